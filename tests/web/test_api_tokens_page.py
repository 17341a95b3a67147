"""API-Zugänge: create a token on the page (shown once), use it, revoke it; only one's own tokens."""
from __future__ import annotations

import html
import re

from api_support import ApiClient, issue_token
from sqlalchemy import select

from engine.db import ApiToken
from support import csrf_token

TOKEN = re.compile(r'<code id="new-token">(ifl_[^<]+)</code>')


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_token_created_on_the_page_is_shown_once_and_works_until_revoked(app, signed_in, container):
    page = signed_in("anna")
    made = page.post("/api-zugaenge/", data={"name": "Dashboard", "scopes": ["read"], "days": "30"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    token = TOKEN.search(made.get_data(as_text=True)).group(1)
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 200
    listing = _text(page.get("/api-zugaenge/"))
    assert "Dashboard" in listing and token not in listing and token[:10] in listing
    with container.reader() as r:
        token_id = r.session.execute(select(ApiToken.id)).scalar_one()
    assert page.post(f"/api-zugaenge/{token_id}/widerrufen").status_code == 302
    assert "widerrufen" in _text(page.get("/api-zugaenge/"))
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 401


def test_invalid_token_form_is_answered_in_german(signed_in, container):
    response = signed_in("anna").post("/api-zugaenge/", data={"name": "", "days": "999"})
    text = _text(response)
    assert response.status_code == 422 and "Bitte einen Namen" in text and "zwischen 1 und 365 Tagen" in text
    assert "mindestens einen Bereich" in text


def test_another_persons_token_cannot_be_revoked(app, signed_in, container):
    token = issue_token(container, "anna")
    with container.reader() as r:
        token_id = r.session.execute(select(ApiToken.id)).scalar_one()
    assert signed_in("ben").post(f"/api-zugaenge/{token_id}/widerrufen").status_code == 404
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 200


def test_the_page_needs_a_csrf_token(app_csrf, world):
    from web.auth import LoginUser

    client = app_csrf.test_client(user=LoginUser(world.anna))
    assert client.post("/api-zugaenge/", data={"name": "X", "scopes": ["read"], "days": "5"}).status_code == 400
    good = client.post("/api-zugaenge/", data={"name": "X", "scopes": ["read"], "days": "5",
                                               "csrf_token": csrf_token(client, "/api-zugaenge/")})
    assert good.status_code == 200 and TOKEN.search(good.get_data(as_text=True))
