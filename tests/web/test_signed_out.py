"""Signed-out requests: a navigation goes to the login page with one notice; a page script's fetch gets a 401."""
from __future__ import annotations

import html

import pytest

FETCH = {"Sec-Fetch-Mode": "cors", "Accept": "application/json"}


def _notices(client) -> list[str]:
    page = html.unescape(client.get("/login").get_data(as_text=True))
    return [n for n in ("Bitte melden Sie sich an.", "Ihre Sitzung ist nach längerer Inaktivität abgelaufen.")
            if n in page]


def test_a_signed_out_navigation_is_sent_to_the_login_with_one_notice(client):
    response = client.get("/cases/", headers={"Sec-Fetch-Mode": "navigate"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    assert _notices(client) == ["Bitte melden Sie sich an."]


def test_a_background_request_gets_401_and_leaves_no_notice(client):
    response = client.get("/inbox", headers=FETCH)
    assert response.status_code == 401
    assert response.get_json() == {"ok": False, "message": "Bitte melden Sie sich an."}
    assert _notices(client) == []


@pytest.fixture
def timed_app(app):
    """Session timeouts on, as in production."""
    app.config["SESSION_TIMEOUTS"] = True
    return app


def test_after_a_timeout_the_page_scripts_requests_add_no_second_notice(timed_app, signed_in, clock):
    anna = signed_in("anna", on_app=timed_app)
    assert anna.get("/").status_code == 200
    clock.advance(minutes=31)
    # The reload and the page's own fetches race; whichever comes first ends the session.
    assert anna.get("/cases/", headers={"Sec-Fetch-Mode": "navigate"}).status_code == 302
    assert anna.get("/inbox", headers=FETCH).status_code == 401
    assert anna.get("/", headers={"Sec-Fetch-Mode": "navigate"}).status_code == 302
    assert _notices(anna) == ["Ihre Sitzung ist nach längerer Inaktivität abgelaufen."]


def test_a_background_request_that_ends_the_session_leaves_the_notice_for_the_next_page(timed_app, signed_in, clock):
    anna = signed_in("anna", on_app=timed_app)
    assert anna.get("/").status_code == 200
    clock.advance(minutes=31)
    # The diagram's fetch from the page already open arrives first: a 401, not a redirect it would follow to the
    # login page (rendering that page would use up the notice before the person sees it).
    response = anna.get("/cases/definitions/1.bpmn", headers=FETCH)
    assert response.status_code == 401
    assert response.get_json()["message"].startswith("Ihre Sitzung ist nach längerer Inaktivität abgelaufen.")
    assert anna.get("/cases/", headers={"Sec-Fetch-Mode": "navigate"}).status_code == 302
    assert _notices(anna) == ["Ihre Sitzung ist nach längerer Inaktivität abgelaufen."]
