"""Deadlines in the API: the Fristen overview's counts and due items (team leads, compliance, admin)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.time import DeadlineParams, DeadlineQuery, deadline_overview

from ..deps import actor, reader

bp = Blueprint("api_deadlines", __name__, url_prefix="/api/v1", description="Fristen: überfällige und bald fällige")


class Counts(Schema):
    """Overdue, escalated and soon-due items of one caseworker or municipality (or all)."""

    id = fields.Integer(attribute="key", allow_none=True)
    name = fields.String(allow_none=True)
    overdue = fields.Integer()
    escalated = fields.Integer()
    soon = fields.Integer()


class DeadlineItem(Schema):
    """One due or overdue task or end of a counselling period."""

    kind = fields.String()
    case_id = fields.String()
    reference = fields.String()
    client_name = fields.String()
    title = fields.String(allow_none=True)
    due_on = fields.Date()
    days_overdue = fields.Integer()
    escalated = fields.Boolean()
    responsible_id = fields.Integer(allow_none=True)
    responsible = fields.String(allow_none=True)
    municipality = fields.String()


class Deadlines(Schema):
    """The deadline overview."""

    today = fields.Date()
    totals = fields.Nested(Counts)
    by_caseworker = fields.List(fields.Nested(Counts))
    by_municipality = fields.List(fields.Nested(Counts))
    total = fields.Integer()
    items = fields.List(fields.Nested(DeadlineItem), attribute="rows")


@bp.route("/deadlines")
@bp.arguments(DeadlineQuery, location="query")
@bp.response(200, Deadlines)
def index(args):
    """Counts per caseworker and municipality and the first 200 due items, filtered and sorted as on the page."""
    with reader() as r:
        return deadline_overview(r, actor(), DeadlineParams(**args))
