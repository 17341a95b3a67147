"""Compliance: the mandated-step dashboard (as of a date), its CSV and charts, the rules editor, extensions."""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.base import CLOSURE_REASONS, GOAL_STATUS_LABELS, LIFE_AREAS, event_log_head, remember, visible_case
from engine.casework import extend_counselling
from engine.compliance import (
    KIND_LABELS,
    RULE_EDITORS,
    active_rules,
    closures_by_reason,
    compute_findings,
    dashboard,
    describe,
    filter_options,
    goals_by_area_and_status,
    parse_params,
    recent_quarters,
    rule_versions,
    save_rules,
    violations_per_month,
)
from engine.errors import Forbidden, InvalidInput

from .compliance_charts import bar_chart, hbar_chart, stacked_bars
from .deps import actor, container, reader, uow

bp = Blueprint("compliance", __name__, url_prefix="/compliance")
STATE_LABELS = {"violation": "Verstoß", "at_risk": "gefährdet"}
CHART_NAMES = ("verstoesse", "ziele", "abschluesse")
# The browser asks again after a minute and gets "304 Not Modified" while the data is unchanged.
CHART_CACHING = "private, max-age=60"


def _params():
    return parse_params(request.args, actor(), container().clock.today())


@bp.route("/")
@login_required
def index():
    """Violations and at-risk cases with filters, counts per rule, figures; as of today or a past date."""
    params = _params()
    with reader() as r:
        board = dashboard(r, params)
        options = filter_options(r, actor())
        goals = goals_by_area_and_status(r, params)
        closures = closures_by_reason(r, params)
    months = violations_per_month(board.findings, params.as_of)
    return render_template("compliance/dashboard.html", b=board, p=params, options=options, months=months,
                           goals=goals, closures=closures, quarters=recent_quarters(container().clock.today()),
                           STATE_LABELS=STATE_LABELS, KIND_LABELS=KIND_LABELS,
                           may_edit=actor().role in RULE_EDITORS)


@bp.route("/verstoesse.csv")
@login_required
def findings_csv():
    """The filtered violation list as CSV (semicolon-separated, for spreadsheet programs set to German)."""
    params = _params()
    with reader() as r:
        active, findings = compute_findings(r, params)
        findings = [f for f in findings if params.rule in (None, f.rule_id) and params.state in ("all", f.state)]
        rows = describe(r, active, findings)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Stichtag", "Regelversion", "Regel", "Status", "Fall", "Klient/in", "Kommune", "Organisation",
                     "Zuständig", "seit", "behoben am", "Abhilfe"])
    for row in rows:
        f = row.finding
        writer.writerow([params.as_of.isoformat(), active.version.version, row.rule.title, STATE_LABELS[f.state],
                         row.reference, row.client_name, row.municipality, row.organisation, row.caseworker or "",
                         f.since.isoformat() if f.since else "", f.resolved_on.isoformat() if f.resolved_on else "",
                         row.rule.fix])
    name = f"pflichtschritte_{params.as_of.isoformat()}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/diagramm/<name>.svg")
@login_required
def chart(name: str):
    """One of the dashboard's charts as SVG, for the same filters as the page; drawn once per data state."""
    if name not in CHART_NAMES:
        abort(404)
    params = _params()
    with reader() as r:
        # Everything the chart depends on: its filters, the rules version, the head of the event log.
        key = ("chart", name, replace(params, page=1, rule=None, state="all"), active_rules(r).version.id,
               event_log_head(r.session))
        etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
        if etag in request.if_none_match:
            return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": CHART_CACHING})
        svg = remember(key, lambda: _draw(r, name, params))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": CHART_CACHING, "ETag": f'"{etag}"'})


def _draw(r, name: str, params) -> bytes:
    if name == "verstoesse":
        _active, findings = compute_findings(r, params)
        months = violations_per_month(findings, params.as_of)
        return bar_chart("Verstöße nach Monat des Beginns", [m for m, _ in months], [c for _, c in months])
    if name == "ziele":
        goals = goals_by_area_and_status(r, params)
        areas = [a for a in LIFE_AREAS if a in goals]
        series = [(label, [goals[a].get(s, 0) for a in areas]) for s, label in GOAL_STATUS_LABELS.items()]
        return stacked_bars("Ziele nach Handlungsfeld und Status", [LIFE_AREAS[a] for a in areas] or ["–"],
                            series if areas else [(label, [0]) for _s, label in GOAL_STATUS_LABELS.items()])
    closures = closures_by_reason(r, params)
    return hbar_chart("Abschlüsse nach Grund", [CLOSURE_REASONS.get(k, k or "ohne Grund") for k in closures],
                      list(closures.values()))


@bp.route("/regeln", methods=["GET", "POST"])
@login_required
def rules():
    """The rules in force, their versions, and (compliance, admin) an editor that refuses invalid files."""
    if actor().role not in RULE_EDITORS | {"supervisor"}:
        raise Forbidden("Die Regeln sind der Fachaufsicht, der Administration und den Teamleitungen vorbehalten.")
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        try:
            number = save_rules(uow(), request.form.get("source", ""), request.form.get("comment", ""), actor())
        except InvalidInput as exc:
            values, errors, status = exc.values, exc.errors, 422
            flash(exc.message, "error")
        else:
            flash(f"Die Regeln wurden als Version {number} gespeichert und gelten ab sofort.", "success")
            return redirect(url_for(".rules"))
    with reader() as r:
        active = active_rules(r)
        versions = rule_versions(r)
    return render_template("compliance/rules.html", active=active, versions=versions, values=values, errors=errors,
                           KIND_LABELS=KIND_LABELS, may_edit=actor().role in RULE_EDITORS), status


@bp.route("/faelle/<case_id>/verlaengerung", methods=["GET", "POST"])
@login_required
def extension(case_id: str):
    """Team lead records an extension of the counselling period with its written reason."""
    if not actor().is_supervisor:
        raise Forbidden("Nur die Teamleitung kann den Beratungszeitraum verlängern.")
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        try:
            end = extend_counselling(uow(), case_id, request.form.get("reason", ""), actor())
        except InvalidInput as exc:
            values, errors, status = exc.values, exc.errors, 422
        else:
            flash(f"Der Beratungszeitraum wurde bis {end:%d.%m.%Y} verlängert.", "success")
            return redirect(url_for("cases.detail", case_id=case_id))
    with reader() as r:
        case = visible_case(r.session, actor(), case_id)
    return render_template("compliance/extension.html", case=case, values=values, errors=errors), status
