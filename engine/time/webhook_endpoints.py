"""Administering webhooks: register an organisation's endpoint (secret shown once), switch it off, the delivery
log, and sending a delivery again."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from engine.base import WEBHOOK_TYPES, Actor, record_event
from engine.db import Organisation, WebhookDelivery, WebhookEndpoint
from engine.errors import Forbidden, InvalidInput, NotFound

LOG_LIMIT = 200


@dataclass(frozen=True)
class RegisteredWebhook:
    """A new endpoint's id and its signing secret (shown once)."""

    id: int
    secret: str


def _require_admin(actor: Actor | None) -> None:
    if actor is not None and actor.role != "admin":
        raise Forbidden("Webhooks richtet nur die Administration ein.")


def register_webhook(uow, actor: Actor | None, organisation_id: int, url: str, events, allowed_hosts,
                     personal_data: bool = False) -> RegisteredWebhook:
    """Register an endpoint for some event types of one organisation (actor None: the command line)."""
    _require_admin(actor)
    url, events, errors = (url or "").strip(), sorted(set(events or ())), {}
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        errors["url"] = "Bitte eine vollständige http(s)-Adresse angeben."
    elif parts.hostname.lower() not in allowed_hosts:
        errors["url"] = (f"Der Host {parts.hostname} ist nicht freigegeben (INTEGRAFLOW_WEBHOOK_HOSTS: "
                         f"{', '.join(allowed_hosts) or 'leer'}).")
    if not events or not set(events) <= set(WEBHOOK_TYPES):
        errors["events"] = "Bitte mindestens ein Ereignis wählen: " + ", ".join(WEBHOOK_TYPES) + "."
    with uow:
        if uow.session.get(Organisation, organisation_id) is None:
            errors["organisation_id"] = "Diese Organisation gibt es nicht."
        if errors:
            raise InvalidInput("Der Webhook konnte nicht eingerichtet werden.", errors)
        secret = "whsec_" + secrets.token_urlsafe(32)
        row = WebhookEndpoint(organisation_id=organisation_id, url=url, secret=secret, events=events,
                              personal_data=bool(personal_data), active=True, created_at=uow.clock.now(),
                              created_by=actor.id if actor else None)
        uow.session.add(row)
        uow.session.flush()
        record_event(uow, "webhook_registered", actor.id if actor else None, endpoint_id=row.id, url=url,
                     organisation_id=organisation_id, events=events, personal_data=bool(personal_data))
        uow.commit()
        return RegisteredWebhook(row.id, secret)


def deactivate_webhook(uow, actor: Actor | None, endpoint_id: int) -> None:
    """Stop announcing events to an endpoint (its log stays)."""
    _require_admin(actor)
    with uow:
        row = uow.session.get(WebhookEndpoint, endpoint_id)
        if row is None:
            raise NotFound("Diesen Webhook gibt es nicht.")
        if row.active:
            row.active = False
            record_event(uow, "webhook_deactivated", actor.id if actor else None, endpoint_id=row.id)
        uow.commit()


@dataclass
class WebhookLog:
    """The admin page's data: endpoints, the latest deliveries (newest first), organisation names."""

    endpoints: list[WebhookEndpoint]
    deliveries: list[WebhookDelivery]
    organisations: dict[int, str]


def webhook_log(uow, actor: Actor) -> WebhookLog:
    """Every endpoint and the latest deliveries (inside the caller's reader)."""
    _require_admin(actor)
    endpoints = list(uow.session.execute(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).scalars())
    deliveries = list(uow.session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
                                          .limit(LOG_LIMIT)).scalars())
    organisations = dict(uow.session.execute(select(Organisation.id, Organisation.name)
                                             .order_by(Organisation.name)).all())
    return WebhookLog(endpoints, deliveries, organisations)


def resend_delivery(uow, actor: Actor | None, delivery_id: int) -> None:
    """Send a delivery again at the next pass ("erneut senden"), whatever became of it."""
    _require_admin(actor)
    with uow:
        row = uow.session.get(WebhookDelivery, delivery_id)
        if row is None:
            raise NotFound("Diese Zustellung gibt es nicht.")
        row.status, row.next_attempt_at, row.claimed_until = "pending", uow.clock.now(), None
        record_event(uow, "webhook_resent", actor.id if actor else None, delivery_id=row.id)
        uow.commit()
