"""Sending queued mail over SMTP with retries and backoff, and the admin's view of mail that could not be sent."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import or_, select, update

from engine.base import Actor, record_event
from engine.db import OutgoingMail
from engine.errors import Conflict, Forbidden, NotFound

from .digests import log

MAX_ATTEMPTS = 8


# Minutes to wait after the n-th failed attempt (the last value repeats).
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720, 1440)


# A claimed mail is invisible to other schedulers this long; if the sender dies mid-way it is retried after it.
CLAIM_MINUTES = 10


SMTP_TIMEOUT_SECONDS = 30


@dataclass
class SendResult:
    """What one sending pass did: delivered, failed but retried later, failed for good."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0


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
