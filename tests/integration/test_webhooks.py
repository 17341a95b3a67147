"""Webhooks: the outbox is written with the change, delivered signed to a real HTTP receiver, once, in order."""
from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from engine.casework import add_note, complete_task
from engine.db import WebhookDelivery
from engine.errors import Forbidden, InvalidInput
from engine.time import (
    SIGNATURE_HEADER,
    deliver_webhooks,
    register_webhook,
    resend_delivery,
    verify_signature,
    webhook_log,
)
from journey import CONSENT, Driver
from support import intake_form


class Receiver:
    """A real HTTP server on localhost that records what it gets and fails the first `fail` requests."""

    def __init__(self, fail: int = 0):
        self.fail, self.received, self.answered = fail, [], 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.answered += 1
                if owner.answered <= owner.fail:
                    self.send_response(500)
                else:
                    owner.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def payloads(self) -> list[dict]:
        """The bodies received, decoded."""
        return [json.loads(body) for _headers, body in self.received]


@pytest.fixture
def receiver(container):
    """A receiver whose host is allowed; stopped after the test."""
    container.settings = replace(container.settings, webhook_hosts=("127.0.0.1",))
    made = []

    def make(fail: int = 0) -> Receiver:
        made.append(Receiver(fail))
        return made[-1]
    yield make
    for r in made:
        r.server.shutdown()
        r.server.server_close()


def _register(container, world, url: str, events=("case.created", "task.completed", "case.closed"), **kw):
    return register_webhook(container.uow(), None, world.org_a, url, events, container.settings.webhook_hosts, **kw)


def _deliveries(container) -> list[WebhookDelivery]:
    with container.reader() as r:
        return list(r.session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars())


def test_each_event_is_delivered_once_signed_despite_failures_and_a_restart(container, world, clock, receiver):
    hook = receiver(fail=2)
    registered = _register(container, world, hook.url)
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    assert [d.kind for d in _deliveries(container)] == ["case.created", "task.completed", "task.completed"]
    first = deliver_webhooks(container)       # the receiver fails: the first waits, the later ones keep their place
    assert (first.delivered, first.retrying) == (0, 1) and hook.received == []
    clock.advance(minutes=1)
    assert deliver_webhooks(container).retrying == 1
    clock.advance(minutes=5)
    assert deliver_webhooks(container).delivered == 3
    clock.advance(hours=1)
    assert deliver_webhooks(container).delivered == 0  # a later pass (or a restarted scheduler) sends nothing twice
    payloads = hook.payloads()
    assert [p["type"] for p in payloads] == ["case.created", "task.completed", "task.completed"]
    assert len({p["id"] for p in payloads}) == 3 and all(p["case_id"] == case_id for p in payloads)
    for headers, body in hook.received:
        sent_at = int(headers[SIGNATURE_HEADER].split(",")[0][2:])
        assert verify_signature(registered.secret, headers[SIGNATURE_HEADER], body, sent_at + 10)
        assert not verify_signature("falsch", headers[SIGNATURE_HEADER], body, sent_at)
        assert not verify_signature(registered.secret, headers[SIGNATURE_HEADER], body + b" ", sent_at)
        assert not verify_signature(registered.secret, headers[SIGNATURE_HEADER], body, sent_at + 3600), \
            "an old request must not be replayable"
    assert "Haddad" not in json.dumps(payloads) and "case_reference" not in payloads[0]


def test_a_claimed_delivery_of_a_dead_scheduler_is_sent_after_its_claim_expires(container, world, clock, receiver):
    hook = receiver()
    _register(container, world, hook.url, events=("case.created",))
    Driver(container).open(world.anna, intake_form(world.town_a))
    uow = container.uow()
    with uow:
        uow.session.execute(update(WebhookDelivery).values(claimed_until=clock.now().replace(year=2027)))
        uow.commit()
    assert deliver_webhooks(container).delivered == 0
    clock.set(clock.now().replace(year=2027, month=2))
    assert deliver_webhooks(container).delivered == 1 and len(hook.received) == 1


def test_nothing_is_queued_for_a_rolled_back_change(container, world, receiver):
    hook = receiver()
    _register(container, world, hook.url)
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    queued = len(_deliveries(container))
    task, tf = drive.prefill(world.anna, case_id)
    with pytest.raises(InvalidInput):
        complete_task(container.uow(), case_id, task.id, MultiDict({"consent_given": "vielleicht"}), world.anna,
                      tf.version)
    with pytest.raises(Forbidden):
        add_note(container.uow(), case_id, "fremd", world.erik)
    assert len(_deliveries(container)) == queued
    deliver_webhooks(container)
    assert [p["type"] for p in hook.payloads()] == ["case.created", "task.completed"]  # intake only


def test_other_organisations_and_unsubscribed_events_get_nothing(container, world, receiver):
    hook = receiver()
    register_webhook(container.uow(), None, world.org_b, hook.url, ["case.created"], ("127.0.0.1",))
    _register(container, world, hook.url, events=("case.closed",))
    Driver(container).open(world.anna, intake_form(world.town_a))
    assert _deliveries(container) == []


def test_personal_data_only_for_an_endpoint_allowed_it(container, world, receiver):
    hook = receiver()
    _register(container, world, hook.url, events=("case.created",), personal_data=True)
    Driver(container).open(world.anna, intake_form(world.town_a))
    deliver_webhooks(container)
    assert hook.payloads()[0]["case_reference"]


def test_hosts_not_configured_are_refused_at_registration_and_delivery(container, world, receiver):
    hook = receiver()
    with pytest.raises(InvalidInput, match="Webhook"):
        register_webhook(container.uow(), None, world.org_a, "http://intern.example/x", ["case.created"],
                         ("127.0.0.1",))
    _register(container, world, hook.url, events=("case.created",))
    container.settings = replace(container.settings, webhook_hosts=())
    Driver(container).open(world.anna, intake_form(world.town_a))
    assert deliver_webhooks(container).retrying == 1 and hook.received == []
    assert "INTEGRAFLOW_WEBHOOK_HOSTS" in _deliveries(container)[0].last_error


def test_a_failed_delivery_is_sent_again_on_request(container, world, clock, receiver):
    hook = receiver(fail=100)
    _register(container, world, hook.url, events=("case.created",))
    Driver(container).open(world.anna, intake_form(world.town_a))
    for _ in range(8):
        deliver_webhooks(container)
        clock.advance(days=1)
    (delivery,) = _deliveries(container)
    assert delivery.status == "failed" and delivery.attempts == 8
    hook.fail = 0
    resend_delivery(container.uow(), None, delivery.id)
    assert deliver_webhooks(container).delivered == 1 and len(hook.received) == 1
    with container.reader() as r, pytest.raises(Forbidden):
        webhook_log(r, world.anna)


def test_an_overdue_task_is_announced_once_not_daily(container, world, clock, receiver):
    from datetime import UTC, datetime, timedelta

    from engine.time import run_reminder_pass

    hook = receiver()
    _register(container, world, hook.url, events=("deadline.overdue",))
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")  # the assessment is due in 4 weeks
    clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))
    for _ in range(3):  # three days of daily overdue reminders
        run_reminder_pass(container)
        clock.advance(days=1)
    deliver_webhooks(container)
    (payload,) = hook.payloads()
    assert payload["type"] == "deadline.overdue" and payload["case_id"] == case_id
    assert payload["data"]["step"] == "assessment" and payload["data"]["task_id"]
    assert clock.now() - timedelta(days=3) >= datetime(2026, 3, 20, tzinfo=UTC)


def test_a_handover_is_announced_to_both_organisations_without_the_note(container, world, receiver):
    from engine.access import HandoverRequest, hand_over_case
    from engine.db import Case

    giving, taking = receiver(), receiver()
    _register(container, world, giving.url, events=("case.handed_over",))
    register_webhook(container.uow(), None, world.org_b, taking.url, ["case.handed_over"], ("127.0.0.1",))
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    hand_over_case(container.uow(), world.carla, case_id, version,
                   HandoverRequest(kind="case", note="Frau Haddad wünscht Termine vormittags.",
                                   to_user_id=world.dora.id))
    assert deliver_webhooks(container).delivered == 2
    for hook in (giving, taking):
        (payload,) = hook.payloads()
        assert payload["type"] == "case.handed_over" and payload["data"] == {"from_org": world.org_a,
                                                                             "to_org": world.org_b}
        assert "Haddad" not in json.dumps(payload)
