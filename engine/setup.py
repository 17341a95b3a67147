"""Bringing a database to a usable state: migrations, the shipped definition, base organisation data."""
from __future__ import annotations

from .compliance.rule_store import load_shipped_rules
from .config import SHIPPED_BPMN_DIR
from .db.schema import upgrade
from .services.definitions import JOURNEY_KEY, deploy_definition


def prepare_database(container) -> None:
    """Run migrations, deploy the shipped client journey if it changed, load the shipped rules on first setup."""
    upgrade(container.engine)
    xml = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")
    uow = container.uow()
    with uow:
        deploy_definition(uow, JOURNEY_KEY, xml, actor_id=None, comment="Ausgelieferte Version")
        load_shipped_rules(uow)
        uow.commit()
