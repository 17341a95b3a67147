"""The state report's figures in the API (JSON): per municipality, per organisation and in total."""
from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.reporting import ReportQuery, state_report

from ..deps import actor, reader

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Landesbericht: Kennzahlen")


class GoalCount(Schema):
    """Goals of one life area in one status."""

    life_area = fields.String()
    status = fields.String()
    count = fields.Integer()


class Figures(Schema):
    """The figures of one unit (a municipality, an organisation, or all)."""

    organisation_id = fields.Integer(allow_none=True)
    organisation = fields.String(allow_none=True)
    municipality_id = fields.Integer(allow_none=True)
    municipality = fields.String(allow_none=True)
    cases_served = fields.Integer()
    persons_served = fields.Integer()
    new_cases = fields.Integer()
    plans_agreed = fields.Integer()
    sessions = fields.Integer()
    session_minutes = fields.Integer()
    eligible_persons = fields.Integer(allow_none=True)
    goals = fields.List(fields.Nested(GoalCount))
    outcomes = fields.Dict(keys=fields.String(), values=fields.Integer())
    closures = fields.Dict(keys=fields.String(), values=fields.Integer())


class StateReport(Schema):
    """The state report for a period, scope and as-of time."""

    year = fields.Integer()
    quarter = fields.Integer(allow_none=True)
    start = fields.Date()
    end = fields.Date()
    as_of = fields.DateTime()
    rule_version = fields.String()
    scope = fields.String()
    units = fields.List(fields.Nested(Figures))
    organisations = fields.List(fields.Nested(Figures))
    total = fields.Nested(Figures)


def _figures(unit) -> dict:
    out = {k: getattr(unit, k) for k in ("organisation_id", "organisation", "municipality_id", "municipality",
                                         "cases_served", "persons_served", "new_cases", "plans_agreed", "sessions",
                                         "session_minutes", "eligible_persons")}
    out["goals"] = [{"life_area": area, "status": status, "count": n}
                    for (area, status), n in sorted(unit.goals.items())]
    out["outcomes"], out["closures"] = dict(unit.outcomes), dict(unit.closures)
    return out


@bp.route("/reports/state")
@bp.arguments(ReportQuery, location="query")
@bp.response(200, StateReport)
def state(_args):
    """The state report's figures (`year`, `quarter`, `municipality`, `organisation`, `as_of` as on the page)."""
    with reader() as r:
        report = state_report(r, actor(), request.args)  # the service validates the raw parameters itself
    p = report.params
    return {"year": p.year, "quarter": p.quarter, "start": p.start, "end": p.end, "as_of": p.as_of,
            "rule_version": report.rule_version, "scope": report.scope,
            "units": [_figures(u) for u in report.units],
            "organisations": [_figures(u) for u in report.organisations], "total": _figures(report.total)}
