"""Bringing a database to a usable state: migrations, the shipped definition and forms, base organisation data."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from engine.authoring import deploy_definition, seed_shipped_forms
from engine.base import JOURNEY_KEY
from engine.compliance import load_shipped_rules
from engine.config import SHIPPED_BPMN_DIR
from engine.db import ProcessDefinition
from engine.db.schema import upgrade


def prepare_database(container) -> None:
    """Run migrations, deploy the shipped journey and forms if they changed, load the shipped rules on first setup."""
    upgrade(container.engine)
    xml = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")
    uow = container.uow()
    with uow:
        seed_shipped_forms(uow, SHIPPED_BPMN_DIR / "forms")
        if not _shipped_before(uow, xml):
            deploy_definition(uow, JOURNEY_KEY, xml, actor_id=None, comment="Ausgelieferte Version")
        load_shipped_rules(uow)
        uow.commit()


def _shipped_before(uow, xml: str) -> bool:
    # Compared with every stored version, not only the latest: a supervisor's newer version must survive a
    # restart; only a changed shipped file (a software upgrade) becomes a new version.
    checksum = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    return uow.session.execute(select(ProcessDefinition.id).where(ProcessDefinition.key == JOURNEY_KEY,
                                                                  ProcessDefinition.checksum == checksum)
                               ).first() is not None
