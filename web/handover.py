"""Fallübergabe: hand one case over (from its case page), or a caseworker's / municipality's cases in bulk."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.access import (
    HandoverRequest,
    execute_handover,
    hand_over_case,
    handover_choices,
    handover_preview,
    prepare_handover,
    read_only_days,
    set_read_only_days,
)
from engine.base import read_only_refusal
from engine.casework import case_view
from engine.errors import Forbidden, InvalidInput

from .deps import actor, reader, uow
from .schemas import load_args

bp = Blueprint("handover", __name__)


class _Target(Schema):
    """Receiver and note (shared by both forms); ids are checked against the tenants by the service."""

    class Meta:
        unknown = EXCLUDE

    note = fields.String(load_default="", validate=validate.Length(max=10_000))
    to_user_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    to_organisation_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class CaseHandoverForm(_Target):
    """The case page's handover form, with the case version it was opened at."""

    case_version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class BulkHandoverForm(_Target):
    """A bulk handover: whose cases (caseworker) or which municipality's."""

    kind = fields.String(required=True, validate=validate.OneOf(["caseworker", "municipality"]))
    caseworker_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    municipality_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class BatchForm(Schema):
    """Confirming a prepared bulk handover."""

    class Meta:
        unknown = EXCLUDE

    batch_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class DaysForm(Schema):
    """The read-only period in days."""

    class Meta:
        unknown = EXCLUDE

    days = fields.Integer(required=True)


def _request(data: dict, kind: str) -> HandoverRequest:
    source = data.get("municipality_id") if kind == "municipality" else data.get("caseworker_id")
    return HandoverRequest(kind=kind, note=data["note"], to_user_id=data["to_user_id"],
                           to_organisation_id=data["to_organisation_id"], source_id=source)


@bp.route("/cases/<case_id>/uebergabe", methods=["GET", "POST"])
@login_required
def case_handover(case_id: str):
    """Hand one case over to another caseworker or organisation, with a note for the receiver."""
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            data = load_args(CaseHandoverForm(), request.form)
            result = hand_over_case(uow(), actor(), case_id, data["case_version"], _request(data, "case"))
        except InvalidInput as exc:
            errors, status = exc.errors or {"form": exc.message}, 422
        else:
            flash("Der Fall wurde übergeben. Die übernehmende Stelle wurde benachrichtigt.", "success")
            return redirect(url_for("cases.detail", case_id=case_id, batch=result.batch_id[:8]))
    with reader() as r:
        view = case_view(r, actor(), case_id)
        if view.read_only_until is not None:   # handed away already: the form would only be refused
            raise Forbidden(read_only_refusal(view.read_only_until))
        return render_template("handover/case.html", v=view, choices=handover_choices(r, actor()),
                               values=values, errors=errors, days=read_only_days(r.session)), status


@bp.route("/uebergabe")
@login_required
def index():
    """The bulk handover page (and, for the admin, the read-only period)."""
    return _index_page({}, {}, 200)


def _index_page(values: dict, errors: dict, status: int):
    with reader() as r:
        return render_template("handover/index.html", choices=handover_choices(r, actor()), values=values,
                               errors=errors, days=read_only_days(r.session)), status


@bp.route("/uebergabe/vorschau", methods=["POST"])
@login_required
def prepare():
    """Prepare a bulk handover and show how many cases and open tasks it moves, before confirming."""
    try:
        data = load_args(BulkHandoverForm(), request.form)
        batch_id = prepare_handover(uow(), actor(), _request(data, data["kind"]))
    except InvalidInput as exc:
        return _index_page(request.form.to_dict(), exc.errors or {"form": exc.message}, 422)
    with reader() as r:
        return render_template("handover/preview.html", p=handover_preview(r, actor(), batch_id))


@bp.route("/uebergabe/ausfuehren", methods=["POST"])
@login_required
def execute():
    """Carry out a prepared bulk handover; cases changed since the preview are skipped and named."""
    data = load_args(BatchForm(), request.form)
    result = execute_handover(uow(), actor(), data["batch_id"])
    flash(f"{result.handed_over} Fälle wurden übergeben.", "success")
    if result.skipped:
        flash("Nicht übergeben, weil sie inzwischen geändert wurden: " + ", ".join(result.skipped)
              + ". Bitte erneut vorbereiten.", "error")
    return redirect(url_for(".index"))


@bp.route("/uebergabe/einstellungen", methods=["POST"])
@login_required
def settings():
    """Admin sets how many days the previous organisation keeps read-only access."""
    try:
        data = load_args(DaysForm(), request.form)
        set_read_only_days(uow(), actor(), data["days"])
    except InvalidInput as exc:
        return _index_page({"days": request.form.get("days", "")}, exc.errors, 422)
    flash("Der Nur-Lese-Zeitraum wurde gespeichert.", "success")
    return redirect(url_for(".index"))
