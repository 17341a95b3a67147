"""Deployed process definitions: the journey new cases start on, case processes, and the model behind each.

Which definition is the client journey is declared in its BPMN file (`integraflow.kind = journey`) and stored with
each version; nothing here knows a key or an element id of the shipped file.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import DecisionDefinition, ProcessDefinition
from engine.errors import NotFound

JOURNEY = "journey"
CASE_PROCESS = "case_process"


def latest_definition(session: Session, key: str, required: bool = True) -> ProcessDefinition | None:
    """The newest version of a definition (new instances start on it)."""
    definition = session.execute(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                 .order_by(ProcessDefinition.version.desc()).limit(1)).scalar_one_or_none()
    if definition is None and required:
        raise NotFound(f"Keine Prozessdefinition '{key}' bereitgestellt. Bitte 'integraflow db upgrade' ausführen.")
    return definition


_JOURNEY_KEY = (select(ProcessDefinition.key).where(ProcessDefinition.kind == JOURNEY)
                .order_by(ProcessDefinition.deployed_at.desc(), ProcessDefinition.id.desc()).limit(1))


def journey_key(session: Session) -> str | None:
    """The key of the client journey: the definition whose newest version declares itself the journey."""
    return session.execute(_JOURNEY_KEY).scalar_one_or_none()


def journey_definition(session: Session, required: bool = True) -> ProcessDefinition | None:
    """The newest version of the client journey (new cases start on it)."""
    definition_id = journey_definition_id(session, required)
    return session.get(ProcessDefinition, definition_id) if definition_id is not None else None


def journey_definition_id(session: Session, required: bool = True) -> int | None:
    """The id of the client journey's newest version, in one query and without its BPMN text (intake reads it
    twice per new case; the parsed model comes from the cache by id, see model_by_id)."""
    definition_id = session.execute(
        select(ProcessDefinition.id).where(ProcessDefinition.key == _JOURNEY_KEY.scalar_subquery())
        .order_by(ProcessDefinition.version.desc()).limit(1)).scalar_one_or_none()
    if definition_id is None and required:
        raise NotFound("Es ist kein Begleitprozess bereitgestellt. Bitte 'integraflow db upgrade' ausführen.")
    return definition_id


def model_for(uow, definition: ProcessDefinition):
    """The cached parsed model of a stored definition, with the versions of the processes it calls."""
    model = uow.runtime.cached_model(definition.id)
    if model is not None:
        return model
    return uow.runtime.model(definition.id, definition.checksum, definition.bpmn_xml,
                             dependencies=_called_documents(uow.session, definition),
                             decisions=pinned_decision_documents(uow.session, _all_decision_pins(uow.session,
                                                                                                 definition)))


def model_by_id(uow, definition_id: int):
    """The parsed model for a definition id, reading the BPMN row only on the first use in this process."""
    model = uow.runtime.cached_model(definition_id)
    if model is None:
        definition = uow.session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise NotFound("Die Prozessdefinition wurde nicht gefunden.")
        model = model_for(uow, definition)
    return model


def _called_documents(session: Session, definition: ProcessDefinition) -> tuple[str, ...]:
    """BPMN documents of every process the definition calls, directly or through the ones it calls (pinned ids)."""
    documents, seen, pending = [], {definition.id}, list((definition.calls or {}).values())
    while pending:
        called_id = pending.pop()
        if called_id in seen:
            continue  # the deploy gate refuses call cycles; never loop on one anyway
        seen.add(called_id)
        called = session.get(ProcessDefinition, called_id)
        if called is not None:
            documents.append(called.bpmn_xml)
            pending.extend((called.calls or {}).values())
    return tuple(documents)


def pinned_decision_documents(session: Session, pins: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """(DMN document, version) of the pinned decision-table versions ({key: decision definition id})."""
    if not pins:
        return ()
    rows = session.execute(select(DecisionDefinition.dmn_xml, DecisionDefinition.version)
                           .where(DecisionDefinition.id.in_(sorted(set(pins.values()))))
                           .order_by(DecisionDefinition.id)).all()
    return tuple((row.dmn_xml, row.version) for row in rows)


def _all_decision_pins(session: Session, definition: ProcessDefinition) -> dict[str, int]:
    """The decision pins of the definition and of the processes it calls (a called process runs its own pins)."""
    pins, seen, pending = dict(definition.decisions or {}), {definition.id}, list((definition.calls or {}).values())
    while pending:
        called_id = pending.pop()
        if called_id in seen:
            continue
        seen.add(called_id)
        called = session.get(ProcessDefinition, called_id)
        if called is not None:
            for key, value in (called.decisions or {}).items():
                pins.setdefault(key, value)
            pending.extend((called.calls or {}).values())
    return pins
