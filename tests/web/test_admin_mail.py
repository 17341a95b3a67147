"""The admin page for the mail queue: who may see it, what it lists, the retry button."""
from __future__ import annotations

import dataclasses
import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.db import Event, OutgoingMail
from support import add_user, csrf_token
from web.auth import LoginUser


@pytest.fixture
def admin(container, world):
    """An administrator of the district (added to `world.users` so `signed_in("root")` works)."""
    return add_user(container, world, "root", "Ada Admin", "admin", world.org_a)


def _queue(container, world, username: str, status: str, attempts: int, error: str | None, day: int = 15) -> int:
    now = container.clock.now()
    with container.uow() as u:
        mail = OutgoingMail(recipient_id=world.users[username].id, to_address=f"{username}@example.org",
                            subject=f"Integraflow: 2 fällige Fristen am {day}.01.2026", body_text="…",
                            body_html="…", digest_day=date(2026, 1, day), status=status, attempts=attempts,
                            next_attempt_at=now + timedelta(minutes=15), last_error=error, created_at=now)
        u.session.add(mail)
        u.commit()
        return mail.id


def _mail(container, mail_id: int) -> OutgoingMail:
    with container.reader() as r:
        return r.session.get(OutgoingMail, mail_id)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_admin_sees_failed_and_retrying_mails_but_not_sent_ones(container, world, admin, signed_in):
    _queue(container, world, "anna", "failed", 8, "Versand fehlgeschlagen (Versuch 8 von 8): 550 <unbekannt>")
    _queue(container, world, "ben", "pending", 2, "Versand fehlgeschlagen (Versuch 2 von 8): Connection refused")
    _queue(container, world, "carla", "sent", 1, None)
    _queue(container, world, "dora", "pending", 0, None)

    response = signed_in("root").get("/admin/mail")

    assert response.status_code == 200
    text = _text(response)
    assert "E-Mail-Versand" in text
    assert "anna@example.org" in text and "ben@example.org" in text
    assert "carla@example.org" not in text and "dora@example.org" not in text
    assert "fehlgeschlagen" in text and "wird wiederholt" in text
    assert "550 <unbekannt>" in text and "Connection refused" in text
    assert "15.01.2026 09:45" in text  # ben's next attempt, Berlin time
    assert "&lt;unbekannt&gt;" in response.get_data(as_text=True)  # the SMTP error is escaped
    assert text.count("Erneut versuchen") == 2
    assert 'name="csrf_token"' in response.get_data(as_text=True)


@pytest.fixture
def smtp_configured(app, container):
    """The running app's container with an SMTP server set (mail on)."""
    app.extensions["integraflow"] = dataclasses.replace(
        container, settings=dataclasses.replace(container.settings, smtp_host="mail.example", smtp_port=587))


def test_admin_page_without_problems_says_so(world, admin, signed_in, smtp_configured):
    text = _text(signed_in("root").get("/admin/mail"))
    assert "Keine Probleme" in text and "mail.example:587" in text and "Erneut versuchen" not in text


def test_admin_page_says_when_mail_is_off(world, admin, signed_in):
    text = _text(signed_in("root").get("/admin/mail"))
    assert "Der E-Mail-Versand ist ausgeschaltet" in text and "Keine Probleme" not in text


def test_admin_page_in_english(world, admin, signed_in, smtp_configured):
    text = _text(signed_in("root").get("/admin/mail?lang=en"))
    assert "E-mail delivery" in text and "No problems" in text


@pytest.mark.parametrize("username", ["anna", "carla", "erik"])
def test_other_roles_get_403(container, world, signed_in, username):
    mail_id = _queue(container, world, "anna", "failed", 8, "kaputt")
    client = signed_in(username)
    assert client.get("/admin/mail").status_code == 403
    response = client.post(f"/admin/mail/{mail_id}/retry")
    assert response.status_code == 403
    assert _mail(container, mail_id).status == "failed"


def test_signed_out_visitor_is_sent_to_the_login(app, world):
    response = app.test_client().get("/admin/mail")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_retry_puts_a_failed_mail_back_into_the_queue(container, world, admin, signed_in):
    mail_id = _queue(container, world, "anna", "failed", 8, "kaputt")
    client = signed_in("root")

    response = client.post(f"/admin/mail/{mail_id}/retry", follow_redirects=True)

    assert response.status_code == 200
    assert "erneut versendet" in _text(response)
    mail = _mail(container, mail_id)
    assert mail.status == "pending" and mail.next_attempt_at == container.clock.now()
    assert "wird wiederholt" in _text(client.get("/admin/mail"))


def test_retry_of_an_unknown_or_sent_mail_is_refused(container, world, admin, signed_in):
    client = signed_in("root")
    assert client.post("/admin/mail/999999/retry").status_code == 404
    sent = _queue(container, world, "anna", "sent", 1, None)
    assert client.post(f"/admin/mail/{sent}/retry").status_code == 409
    assert _mail(container, sent).status == "sent"


def test_retry_needs_the_csrf_token(app_csrf, container, world, admin):
    mail_id = _queue(container, world, "anna", "failed", 8, "kaputt")
    client = app_csrf.test_client(user=LoginUser(admin))
    assert client.post(f"/admin/mail/{mail_id}/retry").status_code == 400
    token = csrf_token(client, "/admin/mail")
    assert client.post(f"/admin/mail/{mail_id}/retry", data={"csrf_token": token}).status_code == 302
    assert _mail(container, mail_id).status == "pending"


def test_retry_is_recorded_in_the_event_log(container, world, admin, signed_in):
    mail_id = _queue(container, world, "anna", "failed", 8, "kaputt")
    signed_in("root").post(f"/admin/mail/{mail_id}/retry")
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "mail_retried")).scalar_one()
    assert event.actor_id == admin.id and event.payload["mail_id"] == mail_id
