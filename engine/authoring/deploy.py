"""Deploying a process definition as a new immutable version (shipped on upgrade, or by a team lead).

A version pins the versions of the processes its call activities call and of the decision tables its business-rule
tasks use (the newest deployed ones at deploy time), so a running case never changes underneath because a called
process or a table got a new version.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from engine.base import latest_definition, pinned_decision_documents, record_event
from engine.db import ProcessDefinition
from engine.decisions import pinned_decisions
from engine.workflow import DefinitionError, called_processes, parse_model


def pinned_calls(session, xml: str) -> dict[str, int]:
    """{called process key: id of its newest deployed version} for the file's call activities to other processes."""
    pins = {}
    for key in sorted(called_processes(xml)):
        called = latest_definition(session, key, required=False)
        if called is None:
            raise DefinitionError([("", f"Der aufgerufene Prozess „{key}“ ist nicht bereitgestellt.")])
        pins[key] = called.id
    return pins


def called_documents(session, pins: dict[str, int]) -> tuple[str, ...]:
    """The BPMN documents of the pinned versions and of everything they call in turn."""
    documents, seen, pending = [], set(), list(pins.values())
    while pending:
        called = session.get(ProcessDefinition, pending.pop())
        if called is None or called.id in seen:
            continue
        seen.add(called.id)
        documents.append(called.bpmn_xml)
        pending.extend((called.calls or {}).values())
    return tuple(documents)


def deploy_definition(uow, key: str, xml: str, actor_id: int | None, comment: str | None = None) -> ProcessDefinition:
    """Parse (refusing broken BPMN) and store a new immutable version; returns it, or the same latest one."""
    pins = pinned_calls(uow.session, xml)
    decisions = pinned_decisions(uow.session, xml)
    parsed = parse_model(xml, dependencies=called_documents(uow.session, pins),
                         decisions=pinned_decision_documents(uow.session, decisions))
    checksum = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    latest = latest_definition(uow.session, key, required=False)
    if latest is not None and latest.checksum == checksum and (latest.calls or {}) == pins \
            and (latest.decisions or {}) == decisions:
        return latest
    version = (uow.session.execute(select(func.max(ProcessDefinition.version))
                                   .where(ProcessDefinition.key == key)).scalar() or 0) + 1
    definition = ProcessDefinition(key=key, version=version, name=parsed.name, bpmn_xml=xml, checksum=checksum,
                                   kind=parsed.kind, calls=pins or None, decisions=decisions or None,
                                   comment=comment, deployed_by=actor_id,
                                   deployed_at=uow.clock.now())
    uow.session.add(definition)
    uow.session.flush()
    if actor_id is not None or version > 1:
        # Deployed by a person, or a new shipped version on upgrade; the very first installation is not an event
        # (nothing ran before it; process_definition keeps when it happened).
        record_event(uow, "definition_deployed", actor_id, key=key, version=version, checksum=checksum,
                     comment=comment)
    return definition
