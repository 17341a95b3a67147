"""Fallzahlen im Team: per caseworker open cases, overdue steps, reviews coming due, cases without contact."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import Schema, ValidationError, fields, validate

from engine.base import event_log_head, remember
from engine.casework import team_caseload
from engine.errors import InvalidInput
from engine.reporting import (
    FUNDING_DEFINITIONS,
    de_figure,
    export_funding_report,
    funded_positions,
    funding_report,
    funding_tables,
    record_funded_position,
    report_choices,
)

from .deps import actor, reader, uow

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


@bp.route("/team/foerderung")
@login_required
def funding():
    """Funded positions against caseload for a funding period (team leads: their organisation; district: all)."""
    with reader() as r:
        choices = report_choices(r.session, actor())
        try:
            report = funding_report(r, actor(), request.args)
        except InvalidInput as exc:
            if not exc.errors:
                raise
            return render_template("caseload/funding.html", report=None, errors=exc.errors, message=exc.message,
                                   args=request.args, choices=choices, grants=funded_positions(r.session, actor()),
                                   position_errors={}, position_values={}), 422
        return render_template("caseload/funding.html", report=report, tables=funding_tables(report), errors={},
                               args=request.args, choices=choices, definitions=FUNDING_DEFINITIONS, figure=de_figure,
                               grants=funded_positions(r.session, actor()), position_errors={}, position_values={})


@bp.route("/team/foerderung.<fmt>")
@login_required
def funding_export(fmt: str):
    """The funding-period report as a stamped CSV, XLSX or PDF download (same parameters as the page)."""
    with reader() as r:
        who = actor()
        # Unchanged data and parameters give the same document; a new event moves the log's head.
        key = ("funding-export", fmt, who.role, who.organisation_id, tuple(sorted(request.args.items(multi=True))),
               event_log_head(r.session))
        exported = remember(key, lambda: export_funding_report(funding_report(r, who, request.args), fmt))
    return Response(exported.content, mimetype=exported.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'})


@bp.route("/team/stellen", methods=["POST"])
@login_required
def record_position():
    """Record the positions the state granted; on invalid input the page shows the form again with messages."""
    try:
        entry = record_funded_position(uow(), actor(), request.form)
    except InvalidInput as exc:
        if not exc.errors:
            raise
        with reader() as r:
            return render_template("caseload/funding.html", report=None, errors={}, args={}, message=exc.message,
                                   choices=report_choices(r.session, actor()),
                                   grants=funded_positions(r.session, actor()), position_errors=exc.errors,
                                   position_values=request.form), 422
    flash(f"Gespeichert: {de_figure(entry.fte)} VZÄ für {entry.organisation} in {entry.municipality} "
          f"({entry.period_start:%d.%m.%Y} – {entry.period_end:%d.%m.%Y}).", "success")
    return redirect(url_for(".funding", von=entry.period_start.isoformat(), bis=entry.period_end.isoformat()))
