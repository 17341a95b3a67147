"""The daily e-mail digest: one per user and day with their due, overdue and escalated reminders.

Which reminders a digest lists: the recipient's unread reminders created after their previous digest was queued
(all unread ones before the first digest). A reminder therefore appears in at most one digest, and one created
after today's digest waits for tomorrow's. Read reminders are left out: the user has already seen them in the app.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.db import Case, OutgoingMail, Reminder, User

log = logging.getLogger("integraflow.mail")


GROUPS = (("overdue", "Überfällig"), ("upcoming", "Bald fällig"), ("escalation", "Eskalationen"))


# HTML is autoescaped (client names are user input); the plain-text template must not be.
_templates = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "mail_templates"),
                         autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",),
                                                      default=True),
                         undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest."""

    title: str
    client: str
    reference: str
    due: str
    url: str


@dataclass(frozen=True)
class DigestGroup:
    """A heading of the digest (Überfällig, Bald fällig, Eskalationen) and its lines."""

    label: str
    items: list[DigestItem]


def queue_digests(container) -> int:
    """Queue today's digest for every active user with an address and new reminders; returns how many."""
    settings = container.settings
    if settings.smtp_host is None:
        return 0
    uow = container.uow()
    with uow:
        now, today = uow.clock.now(), uow.clock.today()
        s = uow.session
        done_today = select(OutgoingMail.recipient_id).where(OutgoingMail.digest_day == today)
        users = s.execute(select(User).where(User.active.is_(True), User.email.is_not(None), User.email != "",
                                             User.id.not_in(done_today)).order_by(User.id)).scalars().all()
        last = dict(s.execute(select(OutgoingMail.recipient_id, func.max(OutgoingMail.created_at))
                              .group_by(OutgoingMail.recipient_id)).all())
        queued = 0
        for user in users:
            stmt = (select(Reminder, Case).join(Case, Case.id == Reminder.case_id)
                    .where(Reminder.recipient_id == user.id, Reminder.read_at.is_(None), Reminder.created_at <= now)
                    .order_by(Reminder.due_on, Reminder.id))
            if user.id in last:
                stmt = stmt.where(Reminder.created_at > last[user.id])
            rows = s.execute(stmt).all()
            if rows:
                values = _digest(user, rows, today, settings.base_url)
                inserted = s.connection().execute(_insert_ignoring_conflict(s, values | {
                    "recipient_id": user.id, "to_address": user.email.strip(), "digest_day": today,
                    "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now})).first()
                queued += inserted is not None
        uow.commit()
        return queued


def _digest(user: User, rows, today: date, base_url: str) -> dict:
    base_url = base_url.rstrip("/")
    by_stage: dict[str, list[DigestItem]] = {stage: [] for stage, _ in GROUPS}
    for reminder, case in rows:
        client = case.client
        item = DigestItem(reminder.title, f"{client.first_name} {client.last_name}", case.reference,
                          reminder.due_on.strftime("%d.%m.%Y"), f"{base_url}/cases/{case.id}")
        by_stage.get(reminder.stage, by_stage["upcoming"]).append(item)
    groups = [DigestGroup(label, by_stage[stage]) for stage, label in GROUPS if by_stage[stage]]
    count = len(rows)
    day = today.strftime("%d.%m.%Y")
    subject = f"Integraflow: {count} fällige {'Frist' if count == 1 else 'Fristen'} am {day}"
    intro = (f"Ihre Übersicht vom {day}: {'eine neue Frist' if count == 1 else f'{count} neue Fristen'} "
             f"in Ihren Fällen.")
    context = {"name": user.display_name, "intro": intro, "groups": groups, "subject": subject,
               "base_url": base_url}
    return {"subject": subject, "body_text": _templates.get_template("digest.txt").render(context),
            "body_html": _templates.get_template("digest.html").render(context)}


def _insert_ignoring_conflict(session, values: dict):
    # A second scheduler queueing the same digest at the same moment hits uq_outgoing_mail_digest: skip quietly.
    # RETURNING tells whether the row went in (rowcount is not reliable for ON CONFLICT on every driver).
    table = OutgoingMail.__table__
    dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(session.get_bind().dialect.name)
    if dialect is None:
        return insert(table).values(values).returning(table.c.id)
    return (dialect.insert(table).values(values)
            .on_conflict_do_nothing(index_elements=["recipient_id", "digest_day"]).returning(table.c.id))
