"""Deployed process definitions: the shipped client journey and the model behind each case."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.db import ProcessDefinition
from engine.errors import NotFound
from engine.workflow import parse_model

from .events import record_event

JOURNEY_KEY = "client_journey"


def deploy_definition(uow, key: str, xml: str, actor_id: int | None, comment: str | None = None) -> ProcessDefinition:
    """Parse (refusing broken BPMN) and store a new immutable version; returns it, or the same latest one."""
    parsed = parse_model(xml)
    checksum = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    latest = latest_definition(uow.session, key, required=False)
    if latest is not None and latest.checksum == checksum:
        return latest
    version = (uow.session.execute(select(func.max(ProcessDefinition.version))
                                   .where(ProcessDefinition.key == key)).scalar() or 0) + 1
    definition = ProcessDefinition(key=key, version=version, name=parsed.name, bpmn_xml=xml, checksum=checksum,
                                   comment=comment, deployed_by=actor_id, deployed_at=uow.clock.now())
    uow.session.add(definition)
    uow.session.flush()
    if actor_id is not None or version > 1:
        # Deployed by a person, or a new shipped version on upgrade; the very first installation is not an event
        # (nothing ran before it; process_definition keeps when it happened).
        record_event(uow, "definition_deployed", actor_id, key=key, version=version, checksum=checksum,
                     comment=comment)
    return definition


def latest_definition(session: Session, key: str, required: bool = True) -> ProcessDefinition | None:
    """The newest version of a definition (new cases start on it)."""
    definition = session.execute(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                 .order_by(ProcessDefinition.version.desc()).limit(1)).scalar_one_or_none()
    if definition is None and required:
        raise NotFound(f"Keine Prozessdefinition '{key}' bereitgestellt. Bitte 'integraflow db upgrade' ausführen.")
    return definition


def model_for(uow, definition: ProcessDefinition):
    """The cached parsed model of a stored definition."""
    return uow.runtime.model(definition.id, definition.checksum, definition.bpmn_xml)


def model_by_id(uow, definition_id: int):
    """The parsed model for a definition id, reading the BPMN row only on the first use in this process."""
    model = uow.runtime.cached_model(definition_id)
    if model is None:
        model = model_for(uow, uow.session.get(ProcessDefinition, definition_id))
    return model
