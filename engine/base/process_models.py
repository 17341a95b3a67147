"""Deployed process definitions: the shipped client journey and the model behind each case."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import ProcessDefinition
from engine.errors import NotFound

JOURNEY_KEY = "client_journey"


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
