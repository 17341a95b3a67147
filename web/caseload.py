"""Fallzahlen im Team: per caseworker open cases, overdue steps, reviews coming due, cases without contact."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from marshmallow import Schema, ValidationError, fields, validate

from engine.casework import team_caseload

from .deps import actor, reader

WHOLE_DAYS = {"invalid": "Bitte eine ganze Zahl von Tagen angeben."}

bp = Blueprint("caseload", __name__)


class CaseloadQuery(Schema):
    """How far ahead reviews count as coming due, how long without contact counts as silent (days)."""

    ueberpruefung = fields.Integer(load_default=30, error_messages=WHOLE_DAYS, validate=validate.Range(
        min=1, max=365, error="Bitte eine Zahl von 1 bis 365 Tagen angeben."))
    ohne_kontakt = fields.Integer(load_default=60, error_messages=WHOLE_DAYS, validate=validate.Range(
        min=1, max=730, error="Bitte eine Zahl von 1 bis 730 Tagen angeben."))


@bp.route("/team")
@login_required
def index():
    """The caseload page (team leads: their organisation; compliance and admin: every organisation)."""
    errors, status = {}, 200
    try:
        query = CaseloadQuery().load({k: v for k, v in request.args.items() if k in CaseloadQuery().fields and v})
    except ValidationError as exc:
        # The page with the usual thresholds, and the field that was wrong named beside its input.
        errors = {name: messages[0] for name, messages in exc.messages.items()}
        status, query = 422, CaseloadQuery().load({})
    with reader() as r:
        caseload = team_caseload(r, actor(), query["ueberpruefung"], query["ohne_kontakt"])
    return render_template("caseload/index.html", c=caseload, errors=errors, args=request.args), status
