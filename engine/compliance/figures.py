"""Figures beside the findings: goals by life area and status, closures by reason (GROUP BY over all cases)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.base import DISTRICT_WIDE, Actor
from engine.db import Case, Goal, Municipality, Organisation, User

from .context import CheckContext
from .query import DashboardParams


def goals_by_area_and_status(uow, params: DashboardParams) -> dict[str, dict[str, int]]:
    """{life area: {status: count}} of goals agreed by the as-of date (status as currently recorded)."""
    stmt = (select(Goal.life_area, Goal.status, func.count()).join(Case, Case.id == Goal.case_id)
            .where(Goal.agreed_on <= params.as_of, *params.case_filters()).group_by(Goal.life_area, Goal.status))
    out: dict[str, dict[str, int]] = {}
    for area, status, count in uow.session.execute(stmt):
        out.setdefault(area, {})[status] = count
    return out


def closures_by_reason(uow, params: DashboardParams) -> dict[str, int]:
    """{closure reason: cases} of closures recorded by the as-of date."""
    ctx = CheckContext(params.as_of, 0, {})
    closed = ctx.closed()
    stmt = (select(Case.closure_reason, func.count()).join(closed, closed.c.case_id == Case.id)
            .where(*params.case_filters()).group_by(Case.closure_reason))
    return {reason or "": count for reason, count in uow.session.execute(stmt)}


def filter_options(uow, actor: Actor) -> dict[str, list[tuple[int, str]]]:
    """Municipalities, organisations and caseworkers the actor may filter by."""
    s = uow.session
    towns = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    orgs = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    people = (select(User.id, User.display_name).where(User.role == "caseworker").order_by(User.display_name))
    if actor.role not in DISTRICT_WIDE:
        towns = towns.where(Municipality.organisation_id == actor.organisation_id)
        orgs = orgs.where(Organisation.id == actor.organisation_id)
        people = people.where(User.organisation_id == actor.organisation_id)
    return {"municipalities": list(s.execute(towns)), "organisations": list(s.execute(orgs)),
            "caseworkers": list(s.execute(people))}


__all__ = ["goals_by_area_and_status", "closures_by_reason", "filter_options"]
