"""Deploying a process version is an audit event; an unchanged file deploys nothing."""
from __future__ import annotations

from sqlalchemy import select

from engine.audit import verify_chain
from engine.authoring import deploy_definition
from engine.config import SHIPPED_BPMN_DIR
from engine.db import Event

# Its own key, so the process new cases start on stays untouched (PostgreSQL keeps definitions between tests).
KEY = "pruefprozess"


def _deploy(container, xml: str, actor_id) -> int:
    uow = container.uow()
    with uow:
        definition = deploy_definition(uow, KEY, xml, actor_id, comment="Neue Fassung")
        uow.commit()
        return definition.version


def test_each_new_version_is_recorded_once_in_the_chained_event_log(container, world):
    xml = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")
    changed = xml.replace("Überprüfung fällig", "Überprüfung jetzt fällig")
    assert [_deploy(container, text, world.carla.id) for text in (xml, xml, changed)] == [1, 1, 2]
    with container.reader() as r:
        events = r.session.execute(select(Event.actor_id, Event.payload).where(Event.kind == "definition_deployed")
                                   .order_by(Event.seq)).all()
        assert verify_chain(r.session.connection()).ok
    assert [(actor, p["key"], p["version"], p["comment"]) for actor, p in events if p["key"] == KEY] == \
        [(world.carla.id, KEY, 1, "Neue Fassung"), (world.carla.id, KEY, 2, "Neue Fassung")]
