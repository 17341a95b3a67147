"""The daily e-mail digest: queueing one per user and day, sending with retries, the admin's view of problems.

Which reminders a digest lists: the recipient's unread reminders created after their previous digest was queued
(all unread ones before the first digest). A reminder therefore appears in at most one digest, and one created
after today's digest waits for tomorrow's. Read reminders are left out: the user has already seen them in the app.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.db import Case, OutgoingMail, Reminder, User
from engine.errors import Conflict, Forbidden, NotFound

from .access import Actor
from .events import record_event

log = logging.getLogger("integraflow.mail")

MAX_ATTEMPTS = 8
# Minutes to wait after the n-th failed attempt (the last value repeats).
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720, 1440)
# A claimed mail is invisible to other schedulers this long; if the sender dies mid-way it is retried after it.
CLAIM_MINUTES = 10
SMTP_TIMEOUT_SECONDS = 30
GROUPS = (("overdue", "Überfällig"), ("upcoming", "Bald fällig"), ("escalation", "Eskalationen"))

# HTML is autoescaped (client names are user input); the plain-text template must not be.
_templates = Environment(loader=FileSystemLoader(Path(__file__).resolve().parents[1] / "mail_templates"),
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


@dataclass
class SendResult:
    """What one sending pass did: delivered, failed but retried later, failed for good."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


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


def send_pending(container, smtp_factory=None) -> SendResult:
    """Send every pending mail that is due; a failing mail is rescheduled and the others still go out."""
    settings = container.settings
    result = SendResult()
    if settings.smtp_host is None:
        return result
    connect = smtp_factory or smtplib.SMTP
    with container.reader() as r:
        due = r.session.execute(select(OutgoingMail.id).where(
            OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= r.clock.now())
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)).scalars().all()
    smtp = None
    try:
        for mail_id in due:
            mail = _claim(container, mail_id)
            if mail is None:
                continue  # another scheduler has it
            try:
                smtp = smtp or _open(connect, settings)
                smtp.send_message(_message(mail, settings.mail_sender, container.clock.now()))
            except Exception as exc:  # any failure of one mail must not stop the others
                log.warning("mail %s to %s failed: %s", mail.id, mail.to_address, exc)
                smtp = _close(smtp)
                gave_up = _record_failure(container, mail, exc)
                result.failed += gave_up
                result.retrying += not gave_up
            else:
                _record_success(container, mail)
                result.sent += 1
    finally:
        _close(smtp)
    return result


def _claim(container, mail_id: int) -> OutgoingMail | None:
    # Committed before the SMTP conversation so that a second scheduler's identical UPDATE matches no row.
    uow = container.uow()
    with uow:
        now = uow.clock.now()
        claimed = uow.session.execute(
            update(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.status == "pending",
                                       OutgoingMail.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(minutes=CLAIM_MINUTES))
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            return None
        mail = uow.session.get(OutgoingMail, mail_id)
        uow.commit()
        return mail


def _open(connect, settings) -> smtplib.SMTP:
    smtp = connect(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS)
    if settings.smtp_tls:
        smtp.starttls(context=ssl.create_default_context())
    if settings.smtp_user:
        smtp.login(settings.smtp_user, settings.smtp_password or "")
    return smtp


def _close(smtp) -> None:
    if smtp is not None:
        try:
            smtp.quit()
        except Exception:  # the connection is being dropped anyway
            smtp.close()


def _message(mail: OutgoingMail, sender: str, now) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = sender
    msg["To"] = mail.to_address
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=f"digest-{mail.id}", domain=sender.rpartition("@")[2] or "localhost")
    msg["Auto-Submitted"] = "auto-generated"  # keeps vacation responders quiet
    msg.set_content(mail.body_text, charset="utf-8")
    msg.add_alternative(mail.body_html, subtype="html", charset="utf-8")
    return msg


def _record_success(container, mail: OutgoingMail) -> None:
    uow = container.uow()
    with uow:
        uow.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail.id).values(
            status="sent", sent_at=uow.clock.now(), attempts=OutgoingMail.attempts + 1, last_error=None)
            .execution_options(synchronize_session=False))
        uow.commit()


def _record_failure(container, mail: OutgoingMail, exc: Exception) -> bool:
    """Count the failed attempt and schedule the next one; True when the mail is given up."""
    attempts = mail.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    uow = container.uow()
    with uow:
        now = uow.clock.now()
        wait = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
        uow.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail.id).values(
            attempts=attempts, status="failed" if gave_up else "pending",
            next_attempt_at=now if gave_up else now + timedelta(minutes=wait),
            last_error=f"Versand fehlgeschlagen (Versuch {attempts} von {MAX_ATTEMPTS}): "
                       f"{type(exc).__name__}: {exc}"[:2000])
            .execution_options(synchronize_session=False))
        uow.commit()
    return gave_up


def require_admin(actor: Actor) -> None:
    """Only administrators look after the mail queue."""
    if actor.role != "admin":
        raise Forbidden("Nur die Administration darf den E-Mail-Versand verwalten.")


def mail_problems(uow) -> list[OutgoingMail]:
    """Mails given up on and mails waiting for another attempt, oldest problem first."""
    with uow:
        return list(uow.session.execute(select(OutgoingMail).where(or_(
            OutgoingMail.status == "failed",
            (OutgoingMail.status == "pending") & (OutgoingMail.attempts > 0))
        ).order_by(OutgoingMail.created_at, OutgoingMail.id)).scalars())


def retry_mail(uow, actor: Actor, mail_id: int) -> None:
    """Send a failed or waiting mail again at the next sending pass (administrators only)."""
    with uow:
        require_admin(actor)
        mail = uow.session.get(OutgoingMail, mail_id)
        if mail is None:
            raise NotFound("Diese E-Mail gibt es nicht.")
        if mail.status == "sent":
            raise Conflict("Diese E-Mail wurde bereits versendet.")
        mail.status = "pending"
        mail.next_attempt_at = uow.clock.now()
        record_event(uow, "mail_retried", actor.id, mail_id=mail.id, to=mail.to_address)
        uow.commit()
