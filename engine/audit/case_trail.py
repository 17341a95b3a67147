"""A case's audit events: every event of the log that names the case, in chain order, a page at a time."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.base import Actor, readable_case
from engine.db import Event

PAGE_SIZE = 100


def case_events(uow, actor: Actor, case_id: str, page: int = 1) -> tuple[list[Event], int]:
    """The events of a case the actor may read (404 otherwise), oldest first, and how many there are."""
    case = readable_case(uow, actor, case_id, with_client=False)
    where = Event.case_id == case.id
    total = uow.session.execute(select(func.count()).select_from(Event).where(where)).scalar_one()
    rows = uow.session.execute(select(Event).where(where).order_by(Event.seq)
                               .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).scalars().all()
    return list(rows), total
