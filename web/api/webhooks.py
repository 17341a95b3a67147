"""Webhooks in the API (administration, scope `admin`): endpoints, the delivery log, registering, sending again."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.base import WEBHOOK_TYPES
from engine.time import register_webhook, resend_delivery, webhook_log

from ..deps import actor, container, reader, uow
from .schemas import Done

bp = Blueprint("api_webhooks", __name__, url_prefix="/api/v1", description="Webhooks (Administration)")
MAX_ID = 2**31 - 1


class Endpoint(Schema):
    """A registered receiver (without its secret)."""

    id = fields.Integer()
    organisation_id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    personal_data = fields.Boolean()
    active = fields.Boolean()
    created_at = fields.DateTime()


class Delivery(Schema):
    """One delivery of the outbox."""

    id = fields.Integer()
    endpoint_id = fields.Integer()
    case_id = fields.String(allow_none=True)
    kind = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    next_attempt_at = fields.DateTime()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)


class WebhookOverview(Schema):
    """Every endpoint and the latest deliveries."""

    endpoints = fields.List(fields.Nested(Endpoint))
    deliveries = fields.List(fields.Nested(Delivery))


class RegisterBody(Schema):
    """A new endpoint."""

    class Meta:
        unknown = EXCLUDE

    organisation_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    url = fields.String(required=True, validate=validate.Length(min=1, max=500))
    events = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_TYPES)), required=True,
                         validate=validate.Length(min=1, max=len(WEBHOOK_TYPES)))
    personal_data = fields.Boolean(load_default=False)


class Registered(Schema):
    """The new endpoint's id and its signing secret (shown this once)."""

    id = fields.Integer()
    secret = fields.String()


@bp.route("/webhooks")
@bp.response(200, WebhookOverview)
def index():
    """Every endpoint and the latest 200 deliveries (administrators)."""
    with reader() as r:
        log = webhook_log(r, actor())
        return {"endpoints": log.endpoints, "deliveries": log.deliveries}


@bp.route("/webhooks", methods=["POST"])
@bp.arguments(RegisterBody)
@bp.response(201, Registered)
def register(body):
    """Register an organisation's endpoint for some event types; only hosts in INTEGRAFLOW_WEBHOOK_HOSTS."""
    made = register_webhook(uow(), actor(), body["organisation_id"], body["url"], body["events"],
                            container().settings.webhook_hosts, body["personal_data"])
    return {"id": made.id, "secret": made.secret}


@bp.route("/webhooks/deliveries/<int:delivery_id>/resend", methods=["POST"])
@bp.response(200, Done)
def resend(delivery_id: int):
    """Send a delivery again at the next pass."""
    resend_delivery(uow(), actor(), min(delivery_id, MAX_ID))
    return {"message": "Die Zustellung wird beim nächsten Lauf erneut gesendet."}
