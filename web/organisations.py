"""Organisationen und Kommunen (admin): add organisations and municipalities, record each municipality's
delegation model from a date on (history kept)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from marshmallow import EXCLUDE, Schema, ValidationError, fields

from engine.access import (
    ORGANISATION_KINDS,
    create_municipality,
    create_organisation,
    organisation_overview,
    record_delegation,
)
from engine.base import DELEGATION_MODELS
from engine.errors import InvalidInput

from .deps import actor, reader, uow

bp = Blueprint("organisations", __name__, url_prefix="/admin/organisationen")


class DelegationSchema(Schema):
    """A delegation model from a date on."""

    class Meta:
        unknown = EXCLUDE

    model = fields.String(required=True, error_messages={"required": "Bitte ein Modell wählen."})
    valid_from = fields.Date(required=True, error_messages={"required": "Bitte ein Datum angeben.",
                                                            "invalid": "Bitte ein gültiges Datum angeben."})
    organisation_id = fields.Integer(load_default=None, allow_none=True)


def _page(errors=None, status=200):
    organisations, municipalities = organisation_overview(reader(), actor())
    return render_template("organisations/index.html", organisations=organisations, municipalities=municipalities,
                           kinds=ORGANISATION_KINDS, models=DELEGATION_MODELS, errors=errors or {},
                           values=request.form), status


@bp.route("")
@login_required
def index():
    """Organisations, municipalities and their delegation models."""
    return _page()


@bp.route("/organisation", methods=["POST"])
@login_required
def add_organisation():
    """Add an organisation."""
    try:
        create_organisation(uow(), actor(), request.form.get("name", ""), request.form.get("kind", ""))
    except InvalidInput as exc:
        return _page({f"org_{k}": v for k, v in exc.errors.items()}, 422)
    flash(_("Die Organisation wurde angelegt."), "success")
    return redirect(url_for(".index"))


@bp.route("/kommune", methods=["POST"])
@login_required
def add_municipality():
    """Add a municipality."""
    try:
        organisation_id = int(request.form.get("organisation_id") or 0)
        create_municipality(uow(), actor(), request.form.get("name", ""), organisation_id)
    except (InvalidInput, ValueError) as exc:
        return _page({f"town_{k}": v for k, v in getattr(exc, "errors", {"name": "Ungültige Eingabe."}).items()}, 422)
    flash(_("Die Kommune wurde angelegt."), "success")
    return redirect(url_for(".index"))


@bp.route("/kommune/<int:municipality_id>/modell", methods=["POST"])
@login_required
def delegation(municipality_id: int):
    """Record the municipality's delegation model from a date on."""
    try:
        data = DelegationSchema().load({k: v for k, v in request.form.items() if v != ""})
        record_delegation(uow(), actor(), municipality_id, data["model"], data["valid_from"],
                          data["organisation_id"])
    except ValidationError as err:
        return _page({f"m{municipality_id}_{k}": v[0] for k, v in err.messages.items()}, 422)
    except InvalidInput as exc:
        return _page({f"m{municipality_id}_{k}": v for k, v in exc.errors.items()}, 422)
    flash(_("Das Modell wurde eingetragen."), "success")
    return redirect(url_for(".index"))
