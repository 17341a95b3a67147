"""The scheduler's heartbeat: a setting row each scheduler process refreshes, read by the readiness check."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.db import Setting

HEARTBEAT_KEY = "scheduler_heartbeat"


def record_heartbeat(container, worker: str) -> datetime:
    """Note that a scheduler process is alive now (the newest beat of any process wins)."""
    now = container.clock.now()
    uow = container.uow()
    with uow:
        row = uow.session.get(Setting, HEARTBEAT_KEY)
        if row is None:
            uow.session.add(Setting(key=HEARTBEAT_KEY, value={"at": now.isoformat(), "worker": worker}))
        else:
            row.value = {"at": now.isoformat(), "worker": worker}
        uow.commit()
    return now


def last_heartbeat(session) -> datetime | None:
    """When a scheduler last reported, or None if none ever did."""
    value = session.execute(select(Setting.value).where(Setting.key == HEARTBEAT_KEY)).scalar_one_or_none()
    if not isinstance(value, dict) or "at" not in value:
        return None
    return datetime.fromisoformat(value["at"])
