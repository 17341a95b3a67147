"""Deploying a process definition as a new immutable version (shipped on upgrade, or by a team lead)."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from engine.base import latest_definition, record_event
from engine.db import ProcessDefinition
from engine.workflow import parse_model


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
