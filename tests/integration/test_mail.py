"""The daily digest end to end: queued from reminders, delivered to a real SMTP server (aiosmtpd), retried."""
from __future__ import annotations

import dataclasses
import email
import email.policy
import itertools
import smtplib
import socket
import threading
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select, update

from engine.casework import open_case
from engine.db import OutgoingMail, Reminder, User
from engine.errors import Conflict, Forbidden
from engine.time import MAX_ATTEMPTS, mail_problems, queue_digests, retry_mail, send_pending
from support import add_user, count_rows, intake_form

BASE_URL = "https://integraflow.example.org"
_serial = itertools.count()  # keeps the reminders' unique key apart


# --- a real SMTP server ----------------------------------------------------------------------------------------

class Inbox:
    """aiosmtpd handler keeping every accepted message; refuses recipients listed in `refuse`."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Postfach unbekannt"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages delivered to one address."""
        return [m for rcpts, m in self.received if address in rcpts]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(inbox: Inbox, port: int, **smtp_parameters) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **smtp_parameters)
    controller.start()
    return controller


@pytest.fixture
def smtp():
    """A running SMTP server on 127.0.0.1: yields (inbox, port)."""
    inbox, port = Inbox(), _free_port()
    controller = _start(inbox, port)
    yield inbox, port
    controller.stop()


def _mail_on(container, port: int, **settings):
    return dataclasses.replace(container, settings=dataclasses.replace(
        container.settings, smtp_host="127.0.0.1", smtp_port=port, base_url=BASE_URL, **settings))


# --- data ------------------------------------------------------------------------------------------------------

def _case(container, world, last_name: str = "Haddad") -> str:
    return open_case(container.uow(), intake_form(world.town_a, last_name=last_name), world.anna)


def _set_email(container, username: str, address: str | None, active: bool = True) -> None:
    with container.uow() as u:
        u.session.execute(update(User).where(User.username == username).values(email=address, active=active))
        u.commit()


def _remind(container, recipient, case_id: str, stage: str, title: str, due_on: date, read: bool = False) -> None:
    now = container.clock.now()
    with container.uow() as u:
        u.session.add(Reminder(case_id=case_id, kind="assessment", stage=stage,
                               period=f"{due_on.isoformat()}#{next(_serial)}", recipient_id=recipient.id,
                               title=title, due_on=due_on, created_at=now, read_at=now if read else None))
        u.commit()


def _mails(container) -> list[OutgoingMail]:
    with container.reader() as r:
        return list(r.session.execute(select(OutgoingMail).order_by(OutgoingMail.id)).scalars())


def _parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


@pytest.fixture
def anna_has_mail(container, world):
    """Anna has an address and three reminders, one per group, on a case of a client called <script>."""
    _set_email(container, "anna", "anna@example.org")
    script_case = _case(container, world, last_name="<script>alert(1)</script>")
    other_case = _case(container, world, last_name="Nasser")
    _remind(container, world.anna, script_case, "overdue", "Bedarfsermittlung überfällig", date(2026, 1, 12))
    _remind(container, world.anna, other_case, "upcoming", "Zielvereinbarung bald fällig", date(2026, 1, 22))
    _remind(container, world.anna, other_case, "escalation", "Überprüfung seit 14 Tagen überfällig",
            date(2026, 1, 1))
    return script_case, other_case


# --- the digest ------------------------------------------------------------------------------------------------

def test_digest_arrives_once_with_the_items_grouped_and_linked(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    script_case, other_case = anna_has_mail

    assert queue_digests(mailing) == 1
    result = send_pending(mailing)

    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [message] = inbox.to("anna@example.org")
    assert message["Subject"] == "Integraflow: 3 fällige Fristen am 15.01.2026"
    assert message["From"] == mailing.settings.mail_sender
    text, html = _parts(message)
    assert message.get_body(("plain",)).get_content_charset() == "utf-8"
    assert text.index("Überfällig (1)") < text.index("Bald fällig (1)") < text.index("Eskalationen (1)")
    assert "Bedarfsermittlung überfällig – Amina <script>alert(1)</script>" in text  # plain text is not escaped
    assert "fällig am 12.01.2026" in text and "Guten Tag Anna Adler" in text
    for case_id in (script_case, other_case):
        assert f"{BASE_URL}/cases/{case_id}" in text
        assert f'href="{BASE_URL}/cases/{case_id}"' in html
    assert "<script>" not in html
    assert "Amina &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<h2>Überfällig (1)</h2>" in html and "<h2>Eskalationen (1)</h2>" in html
    [mail] = _mails(container)
    assert (mail.status, mail.attempts, mail.digest_day) == ("sent", 1, date(2026, 1, 15))
    assert mail.sent_at == container.clock.now()


def test_one_reminder_makes_a_singular_subject(container, world, smtp):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    _set_email(container, "ben", "ben@example.org")
    _remind(container, world.ben, _case(container, world), "upcoming", "Zielvereinbarung bald fällig",
            date(2026, 1, 20))
    queue_digests(mailing)
    send_pending(mailing)
    [message] = inbox.to("ben@example.org")
    assert message["Subject"] == "Integraflow: 1 fällige Frist am 15.01.2026"
    text, _ = _parts(message)
    assert "Überfällig" not in text and "Bald fällig (1)" in text


def test_running_again_the_same_day_sends_nothing_more(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    queue_digests(mailing)
    send_pending(mailing)
    container.clock.advance(hours=6)
    # A reminder arriving after today's digest waits for tomorrow's.
    _remind(container, world.anna, anna_has_mail[1], "overdue", "Zielvereinbarung überfällig", date(2026, 1, 14))

    assert queue_digests(mailing) == 0
    assert send_pending(mailing).sent == 0
    assert len(inbox.received) == 1
    assert count_rows(container, OutgoingMail) == 1


def test_next_day_brings_a_new_digest_with_only_the_new_reminders(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    queue_digests(mailing)
    send_pending(mailing)
    container.clock.advance(hours=3)
    _remind(container, world.anna, anna_has_mail[1], "overdue", "Zielvereinbarung überfällig", date(2026, 1, 15))
    container.clock.advance(days=1)
    assert queue_digests(mailing) == 1  # nothing new after that: no digest for the day after
    send_pending(mailing)

    first, second = inbox.to("anna@example.org")
    assert second["Subject"] == "Integraflow: 1 fällige Frist am 16.01.2026"
    text, _ = _parts(second)
    assert "Zielvereinbarung überfällig" in text
    assert "Bedarfsermittlung" not in text and "Bald fällig" not in text
    container.clock.advance(days=1)
    assert queue_digests(mailing) == 0
    assert [m.digest_day for m in _mails(container)] == [date(2026, 1, 15), date(2026, 1, 16)]


@pytest.mark.parametrize("address, active", [(None, True), ("", True), ("ben@example.org", False)])
def test_user_without_address_or_deactivated_gets_no_digest(container, world, smtp, address, active):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    _set_email(container, "ben", address, active=active)
    _remind(container, world.ben, _case(container, world), "overdue", "Bedarfsermittlung überfällig",
            date(2026, 1, 12))
    assert queue_digests(mailing) == 0
    send_pending(mailing)
    assert inbox.received == [] and count_rows(container, OutgoingMail) == 0


def test_reminders_already_read_in_the_app_are_not_mailed(container, world, smtp):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    _set_email(container, "ben", "ben@example.org")
    case_id = _case(container, world)
    _remind(container, world.ben, case_id, "overdue", "Gelesen", date(2026, 1, 12), read=True)
    assert queue_digests(mailing) == 0
    _remind(container, world.ben, case_id, "upcoming", "Ungelesen", date(2026, 1, 22))
    assert queue_digests(mailing) == 1
    send_pending(mailing)
    text, _ = _parts(inbox.to("ben@example.org")[0])
    assert "Ungelesen" in text and "Gelesen" not in text.replace("Ungelesen", "")


def test_each_user_gets_only_their_own_reminders(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    _set_email(container, "carla", "carla@example.org")
    _remind(container, world.carla, anna_has_mail[1], "escalation", "Eskalation für die Teamleitung",
            date(2026, 1, 1))
    assert queue_digests(mailing) == 2
    send_pending(mailing)
    carla_text, _ = _parts(inbox.to("carla@example.org")[0])
    anna_text, _ = _parts(inbox.to("anna@example.org")[0])
    assert "Eskalation für die Teamleitung" in carla_text and "Bedarfsermittlung" not in carla_text
    assert "Eskalation für die Teamleitung" not in anna_text


def test_mail_off_queues_and_sends_nothing(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    off = dataclasses.replace(container, settings=dataclasses.replace(container.settings, smtp_host=None,
                                                                       smtp_port=port))
    assert queue_digests(off) == 0
    assert send_pending(off).sent == 0
    assert count_rows(container, OutgoingMail) == 0 and inbox.received == []


def test_two_schedulers_queue_one_digest_per_user(container, world, anna_has_mail):
    mailing = _mail_on(container, _free_port())
    _set_email(container, "ben", "ben@example.org")
    _remind(container, world.ben, anna_has_mail[0], "upcoming", "Zielvereinbarung bald fällig", date(2026, 1, 22))
    barrier = threading.Barrier(4)
    counts, errors = [], []

    def scheduler():
        barrier.wait()
        try:
            counts.append(queue_digests(mailing))
        except Exception as exc:  # noqa: BLE001 - any error is the failure this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and sum(counts) == 2
    assert sorted(m.to_address for m in _mails(container)) == ["anna@example.org", "ben@example.org"]


# --- sending: claims, failures, retries --------------------------------------------------------------------------

def test_a_mail_claimed_by_one_scheduler_is_not_sent_by_another(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    queue_digests(mailing)
    nested = []

    class SecondSchedulerMidway(smtplib.SMTP):
        def send_message(self, msg, *args, **kwargs):
            # While the first scheduler is talking to the server, a second one runs its pass.
            nested.append(send_pending(mailing))
            return super().send_message(msg, *args, **kwargs)

    result = send_pending(mailing, smtp_factory=SecondSchedulerMidway)
    assert result.sent == 1
    assert (nested[0].sent, nested[0].retrying, nested[0].failed) == (0, 0, 0)
    assert len(inbox.received) == 1


def test_two_schedulers_sending_at_once_deliver_each_mail_once(container, world, smtp):
    inbox, port = smtp
    mailing = _mail_on(container, port)
    case_id = _case(container, world)
    for user in ("anna", "ben", "carla", "dora", "erik"):
        _set_email(container, user, f"{user}@example.org")
        _remind(container, world.users[user], case_id, "overdue", "Bedarfsermittlung überfällig", date(2026, 1, 12))
    assert queue_digests(mailing) == 5
    barrier = threading.Barrier(3)
    results = []

    def scheduler():
        barrier.wait()
        results.append(send_pending(mailing))

    threads = [threading.Thread(target=scheduler) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r.sent for r in results) == 5
    assert sorted(r[0][0] for r in inbox.received) == sorted(f"{u}@example.org" for u in
                                                             ("anna", "ben", "carla", "dora", "erik"))


def test_server_down_keeps_the_mail_pending_and_it_goes_out_once_after_the_backoff(container, world, anna_has_mail):
    port = _free_port()  # nothing listens here yet
    mailing = _mail_on(container, port)
    queue_digests(mailing)
    result = send_pending(mailing)

    assert (result.sent, result.retrying, result.failed) == (0, 1, 0)
    [mail] = _mails(container)
    assert (mail.status, mail.attempts) == ("pending", 1)
    assert mail.last_error.startswith("Versand fehlgeschlagen (Versuch 1 von 8)")
    assert "ConnectionRefusedError" in mail.last_error
    assert mail.next_attempt_at == container.clock.now() + timedelta(minutes=1)
    assert [m.id for m in mail_problems(container.reader())] == [mail.id]

    inbox = Inbox()
    controller = _start(inbox, port)
    try:
        assert send_pending(mailing).sent == 0  # not due before the backoff has passed
        assert inbox.received == []
        container.clock.advance(minutes=1, seconds=1)
        assert send_pending(mailing).sent == 1
        container.clock.advance(hours=1)
        assert send_pending(mailing).sent == 0
    finally:
        controller.stop()
    assert len(inbox.to("anna@example.org")) == 1
    [mail] = _mails(container)
    assert (mail.status, mail.attempts) == ("sent", 2)
    assert mail_problems(container.reader()) == []


def test_backoff_grows_and_the_mail_fails_for_good_after_the_last_attempt(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    inbox.refuse.add("anna@example.org")
    mailing = _mail_on(container, port)
    queue_digests(mailing)
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = send_pending(mailing)
        [mail] = _mails(container)
        assert mail.attempts == attempt
        waits.append(round((mail.next_attempt_at - container.clock.now()).total_seconds() / 60))
        container.clock.advance(days=1)
    assert waits == [1, 5, 15, 60, 240, 720, 1440, 0]
    assert (result.sent, result.retrying, result.failed) == (0, 0, 1)
    assert mail.status == "failed"
    assert "Versuch 8 von 8" in mail.last_error and "550" in mail.last_error
    assert "Postfach unbekannt" in mail.last_error
    assert [m.id for m in mail_problems(container.reader())] == [mail.id]
    assert send_pending(mailing).failed == 0  # given up: no further attempts
    assert inbox.received == []


def test_one_refused_recipient_does_not_stop_the_others(container, world, smtp):
    inbox, port = smtp
    inbox.refuse.add("anna@example.org")
    mailing = _mail_on(container, port)
    case_id = _case(container, world)
    for user in ("anna", "ben"):
        _set_email(container, user, f"{user}@example.org")
        _remind(container, world.users[user], case_id, "overdue", "Bedarfsermittlung überfällig", date(2026, 1, 12))
    queue_digests(mailing)
    result = send_pending(mailing)
    assert (result.sent, result.retrying) == (1, 1)
    assert len(inbox.to("ben@example.org")) == 1 and inbox.to("anna@example.org") == []
    assert [m.to_address for m in mail_problems(container.reader())] == ["anna@example.org"]


def test_admin_retry_sends_a_failed_mail_again(container, world, smtp, anna_has_mail):
    inbox, port = smtp
    inbox.refuse.add("anna@example.org")
    mailing = _mail_on(container, port)
    queue_digests(mailing)
    for _ in range(MAX_ATTEMPTS):
        send_pending(mailing)
        container.clock.advance(days=1)
    [mail] = _mails(container)
    assert mail.status == "failed"
    admin = _admin(container, world)

    with pytest.raises(Forbidden):
        retry_mail(container.uow(), world.anna, mail.id)
    inbox.refuse.clear()
    retry_mail(container.uow(), admin, mail.id)
    assert send_pending(mailing).sent == 1
    assert len(inbox.to("anna@example.org")) == 1
    assert mail_problems(container.reader()) == []
    with pytest.raises(Conflict):
        retry_mail(container.uow(), admin, mail.id)


def test_login_when_a_user_is_configured(container, world, anna_has_mail):
    inbox, port = Inbox(), _free_port()

    def authenticator(server, session, envelope, mechanism, auth_data):
        inbox.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"geheim")

    controller = _start(inbox, port, authenticator=authenticator, auth_require_tls=False)
    try:
        mailing = _mail_on(container, port, smtp_user="integraflow", smtp_password="geheim")
        queue_digests(mailing)
        assert send_pending(mailing).sent == 1
    finally:
        controller.stop()
    assert inbox.logins == [(b"integraflow", b"geheim")]
    assert len(inbox.to("anna@example.org")) == 1


def _admin(container, world):
    return add_user(container, world, "root", "Ada Admin", "admin", world.org_a)
