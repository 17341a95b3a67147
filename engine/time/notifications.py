"""The in-app inbox: a user's reminders, unread first, limited to cases they may still see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case as sql_case
from sqlalchemy import func, select, update

from engine.base import Actor, scope_cases
from engine.db import Case, Client, Reminder
from engine.errors import NotFound

INBOX_LIMIT = 100


@dataclass(frozen=True)
class InboxItem:
    """One reminder as the inbox shows it."""

    id: int
    case_id: str
    reference: str
    client_name: str
    kind: str
    stage: str
    title: str
    due_on: date
    created_at: datetime
    read_at: datetime | None

    @property
    def unread(self) -> bool:
        """Not opened yet."""
        return self.read_at is None


def unread_count(uow, actor: Actor) -> int:
    """The number for the bell: one count over the recipient/unread index."""
    stmt = _visible(func.count(Reminder.id), actor=actor).where(Reminder.read_at.is_(None))
    return uow.session.execute(stmt).scalar_one()


def inbox(uow, actor: Actor, only_unread: bool = False, limit: int = INBOX_LIMIT) -> list[InboxItem]:
    """The actor's reminders with case reference and client name: unread first, newest first within each."""
    stmt = _visible(Reminder.id, Reminder.case_id, Case.reference, Client.last_name, Client.first_name, Reminder.kind,
                    Reminder.stage, Reminder.title, Reminder.due_on, Reminder.created_at, Reminder.read_at,
                    actor=actor).join(Client, Client.id == Case.client_id)
    if only_unread:
        stmt = stmt.where(Reminder.read_at.is_(None))
    stmt = stmt.order_by(sql_case((Reminder.read_at.is_(None), 0), else_=1), Reminder.created_at.desc(),
                         Reminder.id.desc()).limit(max(1, min(limit, 1000)))
    return [InboxItem(r.id, r.case_id, r.reference, f"{r.last_name}, {r.first_name}", r.kind, r.stage, r.title,
                      r.due_on, r.created_at, r.read_at) for r in uow.session.execute(stmt)]


def mark_read(uow, actor: Actor, reminder_id: int) -> str:
    """Mark one of the actor's reminders read (again is harmless); returns its case id to open the case."""
    with uow:
        row = uow.session.execute(_visible(Reminder.id, Reminder.case_id, Reminder.read_at, actor=actor)
                                  .where(Reminder.id == reminder_id)).one_or_none()
        if row is None:
            raise NotFound("Die Benachrichtigung wurde nicht gefunden.")
        if row.read_at is None:
            uow.session.execute(update(Reminder).where(Reminder.id == row.id, Reminder.read_at.is_(None))
                                .values(read_at=uow.clock.now()))
        uow.commit()
        return row.case_id


def mark_all_read(uow, actor: Actor) -> int:
    """Mark every unread reminder of the actor read; returns how many were unread."""
    with uow:
        result = uow.session.execute(update(Reminder).where(Reminder.recipient_id == actor.id,
                                                            Reminder.read_at.is_(None))
                                     .values(read_at=uow.clock.now()))
        uow.commit()
        return result.rowcount


def _visible(*columns, actor: Actor):
    """The actor's own reminders, of cases the actor may still see (a caseworker who changed employer does not)."""
    stmt = (select(*columns).select_from(Reminder).join(Case, Case.id == Reminder.case_id)
            .where(Reminder.recipient_id == actor.id))
    return scope_cases(stmt, actor)
