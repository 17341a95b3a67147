"""Delivering the webhook outbox: signed POSTs, at least once, in order per case and endpoint, with backoff.

Each delivery is claimed for a few minutes before it is sent, so two schedulers never send it at the same time and
a scheduler that dies mid-way leaves it to be sent again once the claim runs out (at least once). Receivers drop
repeats by the payload's `id`. The signature header is `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with
the endpoint's secret; receivers refuse old timestamps, which makes a captured request useless later.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.error import HTTPError
from urllib.parse import urlsplit

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import aliased

from engine.db import WebhookDelivery, WebhookEndpoint

MAX_ATTEMPTS = 8
BACKOFF_MINUTES = (1, 5, 15, 60, 240, 720, 1440)  # after the n-th failure; the last value repeats
CLAIM_MINUTES = 5
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "Integraflow-Signature"
TOLERANCE_SECONDS = 300


@dataclass
class WebhookResult:
    """What one delivery pass did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver checks: a matching HMAC and a timestamp no older than `tolerance` seconds."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    return abs(now - timestamp) <= tolerance and hmac.compare_digest(sign(secret, timestamp, body), header)


def deliver_webhooks(container, post=None, limit: int = 500) -> WebhookResult:
    """Send every due delivery whose earlier ones (same endpoint and case) went out; reschedule failures."""
    post = post or http_post
    result, blocked = WebhookResult(), set()
    with container.reader() as r:
        now = r.clock.now()
        due = r.session.execute(select(WebhookDelivery.id, WebhookDelivery.endpoint_id, WebhookDelivery.case_id)
                                .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
                                       or_(WebhookDelivery.claimed_until.is_(None),
                                           WebhookDelivery.claimed_until < now))
                                .order_by(WebhookDelivery.id).limit(limit)).all()
    for delivery_id, endpoint_id, case_id in due:
        if (endpoint_id, case_id) in blocked:
            continue
        claimed = _claim(container, delivery_id)
        if claimed is None:
            blocked.add((endpoint_id, case_id))  # an earlier one is still pending: keep the order
            continue
        url, secret, payload, hosts = claimed
        body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode("utf-8")
        timestamp = int(container.clock.now().timestamp())
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, timestamp, body),
                   "Integraflow-Event": payload.get("type", ""), "Integraflow-Delivery": payload.get("id", "")}
        status, error = None, None
        if (urlsplit(url).hostname or "").lower() not in hosts:
            error = "Der Empfänger steht nicht in INTEGRAFLOW_WEBHOOK_HOSTS."
        else:
            try:
                status = post(url, body, headers)
                if not 200 <= status < 300:
                    error = f"HTTP {status}"
            except Exception as exc:  # noqa: BLE001 - any network failure is retried later
                error = f"{type(exc).__name__}: {exc}"[:500]
        outcome = _finish(container, delivery_id, status, error)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if outcome != "delivered":
            blocked.add((endpoint_id, case_id))
    return result


def _claim(container, delivery_id: int):
    """Claim one delivery unless an earlier one of its endpoint and case is still pending; None if not ours."""
    uow = container.uow()
    with uow:
        now = uow.clock.now()
        earlier = aliased(WebhookDelivery)
        this = uow.session.get(WebhookDelivery, delivery_id)
        if this is None:
            return None
        if uow.session.execute(select(exists().where(
                earlier.endpoint_id == this.endpoint_id, earlier.case_id == this.case_id,
                earlier.status == "pending", earlier.id < this.id))).scalar():
            return None
        claimed = uow.session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
                                          or_(WebhookDelivery.claimed_until.is_(None),
                                              WebhookDelivery.claimed_until < now))
            .values(claimed_until=now + timedelta(minutes=CLAIM_MINUTES)).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            return None
        endpoint = uow.session.get(WebhookEndpoint, this.endpoint_id)
        found = (endpoint.url, endpoint.secret, dict(this.payload), container.settings.webhook_hosts)
        uow.commit()
        return found


def _finish(container, delivery_id: int, status: int | None, error: str | None) -> str:
    """Record the attempt: delivered, or the next attempt after the backoff, or given up."""
    uow = container.uow()
    with uow:
        row = uow.session.get(WebhookDelivery, delivery_id)
        now = uow.clock.now()
        row.attempts += 1
        row.last_status, row.claimed_until = status, None
        if error is None:
            row.status, row.delivered_at, row.last_error, outcome = "delivered", now, None, "delivered"
        elif row.attempts >= MAX_ATTEMPTS:
            row.status, row.last_error, outcome = "failed", error, "failed"
        else:
            wait = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
            row.next_attempt_at, row.last_error, outcome = now + timedelta(minutes=wait), error, "retrying"
        uow.commit()
        return outcome


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed: they could lead to a host that is not allowed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_post(url: str, body: bytes, headers: dict) -> int:
    """POST the body and answer the HTTP status (an error status is an answer, not an exception)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except HTTPError as exc:
        return exc.code
