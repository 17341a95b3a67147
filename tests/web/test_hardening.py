"""Login lockout in the form, session timeouts, security headers, hostile input rendered escaped."""
from __future__ import annotations

import html

import pytest
from flask_login import FlaskLoginClient
from markupsafe import escape
from sqlalchemy import select

from engine.db import Client, Contact, Event
from journey import CONSENT, Driver
from support import PASSWORD, intake_form, login
from web import create_app
from web.auth import LoginUser
from web.security import CONTENT_SECURITY_POLICY

CONTACT = {"occurred_on": "2026-01-14", "kind": "phone", "duration_minutes": "45", "topics": ["language"]}
HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Robert'); DROP TABLE client;--",
           "' OR '1'='1"]


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


# --- lockout -------------------------------------------------------------------------------------------------

def test_sixth_attempt_after_five_failures_shows_the_lockout_in_german(client, container, world):
    for _ in range(5):
        assert login(client, "anna", "falsch-falsch").status_code == 422
    response = login(client, "anna", PASSWORD)
    assert response.status_code == 429
    assert "Zu viele Fehlversuche. Bitte in 15 Minuten erneut versuchen." in _text(response)
    assert client.get("/").status_code == 302  # not signed in
    with container.reader() as r:
        assert r.session.execute(select(Event.kind).where(Event.kind == "login_locked")).scalars().all() == [
            "login_locked"]


# --- session timeouts ----------------------------------------------------------------------------------------

@pytest.fixture
def timed_app(app):
    """The app with session timeouts on, as in production (the shared test config turns them off)."""
    app.config["SESSION_TIMEOUTS"] = True
    return app


def test_idle_session_is_signed_out_with_a_notice(timed_app, signed_in, clock, world):
    anna = signed_in("anna", on_app=timed_app)
    assert anna.get("/").status_code == 200
    clock.advance(minutes=29)
    assert anna.get("/").status_code == 200  # activity keeps the session alive
    clock.advance(minutes=31)
    response = anna.get("/cases/?q=Haddad")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/cases/?q%3DHaddad"
    page = _text(anna.get(response.headers["Location"]))
    assert "Ihre Sitzung ist nach längerer Inaktivität abgelaufen. Bitte melden Sie sich erneut an." in page
    assert anna.get("/").status_code == 302


def test_session_ends_after_eight_hours_even_when_active(timed_app, signed_in, clock, world):
    anna = signed_in("anna", on_app=timed_app)
    for _ in range(16):  # 16 × 29 minutes = 7 h 44 min
        assert anna.get("/").status_code == 200
        clock.advance(minutes=29)
    clock.advance(minutes=20)
    response = anna.get("/")
    assert response.headers["Location"].startswith("/login")
    assert "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an." in _text(anna.get("/login"))


def test_login_form_starts_a_fresh_session(timed_app, clock, world):
    client = timed_app.test_client()
    login(client, "anna")
    clock.advance(minutes=25)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    assert client.get("/").status_code == 302
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


# --- headers -------------------------------------------------------------------------------------------------

def test_timeouts_are_on_unless_turned_off(container, monkeypatch, clock, world):
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    app = create_app({"SECRET_KEY": "test"}, container=container)
    app.test_client_class = FlaskLoginClient
    anna = app.test_client(user=LoginUser(world.users["anna"]))
    assert anna.get("/").status_code == 200
    clock.advance(minutes=31)
    assert anna.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/login", "/static/css/app.css", "/gibt-es-nicht"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "base-uri 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]


# --- hostile input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", HOSTILE)
def test_intake_fields_are_stored_verbatim_and_shown_escaped(signed_in, container, world, text):
    anna = signed_in("anna")
    fields = {"first_name": text[:100], "nationality": text, "languages": text, "accommodation_address": text,
              "residence_status_evidence": text}
    response = anna.post("/cases/new", data=intake_form(world.town_a, **fields))
    assert response.status_code == 302, _text(response)
    with container.reader() as r:
        client = r.session.execute(select(Client)).scalar_one()
    assert {name: getattr(client, name) for name in fields} == fields
    page = anna.get(response.headers["Location"]).get_data(as_text=True)
    assert str(escape(text)) in page
    assert text not in page


@pytest.mark.parametrize("text", HOSTILE)
def test_contact_summary_is_stored_verbatim_and_shown_escaped(signed_in, container, world, text):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    anna = signed_in("anna")
    response = anna.post(f"/cases/{case_id}/contacts", data={**CONTACT, "summary": text})
    assert response.status_code == 302, _text(response)
    with container.reader() as r:
        assert r.session.execute(select(Contact.summary)).scalars().all() == [text]
    page = anna.get(f"/cases/{case_id}").get_data(as_text=True)
    assert str(escape(text)) in page
    assert text not in page
