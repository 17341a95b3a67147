"""Webhooks page (admins): register an endpoint (secret shown once), the delivery log, erneut senden, abschalten."""
from __future__ import annotations

import html
from dataclasses import replace

import pytest
from sqlalchemy import select

from engine.db import WebhookDelivery, WebhookEndpoint
from journey import Driver
from support import add_user, intake_form


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin(container, world, signed_in):
    """An admin's client, with 127.0.0.1 as the allowed webhook host."""
    container.settings = replace(container.settings, webhook_hosts=("127.0.0.1",))
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    return signed_in("adele")


def test_admin_registers_a_webhook_sees_deliveries_and_sends_one_again(admin, container, world):
    made = admin.post("/admin/webhooks/", data={"organisation_id": str(world.org_a), "url": "http://127.0.0.1:9/x",
                                                "events": ["case.created"]})
    text = _text(made)
    assert made.status_code == 200 and "whsec_" in text and made.headers["Cache-Control"] == "no-store"
    Driver(container).open(world.anna, intake_form(world.town_a))
    page = _text(admin.get("/admin/webhooks/"))
    assert "whsec_" not in page and "http://127.0.0.1:9/x" in page and "ausstehend" in page
    with container.reader() as r:
        delivery = r.session.execute(select(WebhookDelivery)).scalar_one()
        endpoint = r.session.execute(select(WebhookEndpoint)).scalar_one()
    assert admin.post(f"/admin/webhooks/zustellungen/{delivery.id}/erneut").status_code == 302
    assert admin.post(f"/admin/webhooks/{endpoint.id}/abschalten").status_code == 302
    assert "abgeschaltet" in _text(admin.get("/admin/webhooks/"))


def test_a_host_that_is_not_allowed_is_refused_in_german(admin, world):
    response = admin.post("/admin/webhooks/", data={"organisation_id": str(world.org_a),
                                                    "url": "https://intern.example/hook", "events": []})
    text = _text(response)
    assert response.status_code == 422 and "nicht freigegeben" in text and "mindestens ein Ereignis" in text


def test_only_admins_see_the_webhooks(signed_in):
    for user in ("anna", "carla", "erik"):
        assert signed_in(user).get("/admin/webhooks/").status_code == 403
