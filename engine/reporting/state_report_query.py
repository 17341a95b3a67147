"""The state report (Landesbericht): set-based SQL over the event, case, plan and task tables.

A fixed number of GROUP BY statements, each grouped by the case's organisation and municipality, whatever the
number of cases; no workflow is deserialised and no case is looped over in Python. Every statement only sees
rows recorded up to the as-of time (event.at, case.opened_at, contact.recorded_at, goal history), so the same
as-of time gives the same figures.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import case as sql_case
from sqlalchemy import func, or_, select, text

from engine.base import DISTRICT_WIDE, Actor, delegation_in_force
from engine.db import Case, Contact, Event, Goal, HouseholdMember, Partner, Referral
from engine.errors import Forbidden

from .eligible_persons import eligible_persons_at
from .figures import StateReport, UnitFigures, summed
from .goal_status import goal_states
from .labels import OUTCOMES
from .params import ReportParams, load_params
from .scope import check_filters, unit_names
from .stamp import rule_version

REPORT_ROLES = {"supervisor"} | DISTRICT_WIDE


def state_report(uow, actor: Actor, raw: Mapping | ReportParams) -> StateReport:
    """The report for the actor's scope (their organisation; every organisation for compliance and admin)."""
    if actor.role not in REPORT_ROLES:
        raise Forbidden("Der Landesbericht ist der Teamleitung, der Fachaufsicht und der Administration vorbehalten.")
    p = raw if isinstance(raw, ReportParams) else load_params(raw, uow.clock.now())
    s = uow.session
    if s.get_bind().dialect.name == "postgresql":
        # The JSON table function's row estimate makes the planner compile these short queries to machine code,
        # which costs seconds and saves nothing (measured with `integraflow bench --report`).
        s.execute(text("SET LOCAL jit = off"))
    filters = check_filters(s, actor, p)
    units: dict[tuple[int, int], UnitFigures] = {}

    def unit(org_id: int, muni_id: int) -> UnitFigures:
        return units.setdefault((org_id, muni_id), UnitFigures(org_id, "", muni_id, ""))

    for org_id, muni_id in filters.base_units:
        unit(org_id, muni_id)
    scoped = _scoper(actor, p)
    for org_id, muni_id, cases, persons in s.execute(scoped(_served(p))):
        unit(org_id, muni_id).cases_served, unit(org_id, muni_id).persons_served = cases, int(persons or 0)
    for org_id, muni_id, n in s.execute(scoped(_new_cases(p))):
        unit(org_id, muni_id).new_cases = n
    for org_id, muni_id, n in s.execute(scoped(_plans_agreed(p))):
        unit(org_id, muni_id).plans_agreed = n
    for org_id, muni_id, n, minutes in s.execute(scoped(_sessions(p))):
        unit(org_id, muni_id).sessions, unit(org_id, muni_id).session_minutes = n, int(minutes or 0)
    for org_id, muni_id, reason, n, *outcomes in s.execute(scoped(_closures(p))):
        u = unit(org_id, muni_id)
        u.closures[reason] += n
        u.outcomes.update({code: int(k or 0) for code, k in zip(OUTCOMES, outcomes, strict=True) if k})
    for org_id, muni_id, area, status, n in s.execute(scoped(_goals(p, s.get_bind().dialect.name))):
        unit(org_id, muni_id).goals[(area, status)] += n
    for org_id, muni_id, kind, outcome, n in s.execute(scoped(_referrals(p))):
        unit(org_id, muni_id).referrals[(kind, outcome)] += n
    eligible = eligible_persons_at(s, p, {m for _o, m in units})
    for (org_id, muni_id), u in units.items():
        if muni_id in eligible and filters.home_organisation.get(muni_id) == org_id:
            u.eligible_persons, u.covered_persons = eligible[muni_id], u.persons_served
    ordered = unit_names(s, list(units.values()))
    organisations = [summed([u for u in ordered if u.organisation_id == org_id], org_id, name)
                     for org_id, name in dict.fromkeys((u.organisation_id, u.organisation) for u in ordered)]
    # The model the municipality had organised the service by at the end of the period (history kept).
    delegation = delegation_in_force(s, p.municipality_id, p.end) if p.municipality_id else None
    return StateReport(p, rule_version(s, p.as_of), filters.scope, filters.municipality, filters.organisation,
                       ordered, organisations, summed(ordered, None, "Gesamt"),
                       delegation.label if delegation else None)


def _scoper(actor: Actor, p: ReportParams):
    """Tenancy and filters on Case, plus the grouping every statement shares."""
    def apply(stmt):
        if actor.role not in DISTRICT_WIDE:
            stmt = stmt.where(Case.organisation_id == actor.organisation_id)
        if p.organisation_id:
            stmt = stmt.where(Case.organisation_id == p.organisation_id)
        if p.municipality_id:
            stmt = stmt.where(Case.municipality_id == p.municipality_id)
        return stmt.group_by(Case.organisation_id, Case.municipality_id)
    return apply


def _closed_by(p: ReportParams):
    """Cases whose closure was recorded up to the as-of time."""
    return select(Event.case_id).where(Event.kind == "case_closed", Event.at <= p.as_of).subquery("closed")


def _served(p: ReportParams):
    """Cases (and persons) in counselling during the period: consent recorded, not closed before it began."""
    closed = _closed_by(p)
    household = (select(HouseholdMember.client_id, func.count().label("n"))
                 .group_by(HouseholdMember.client_id).subquery("household"))
    consented = select(Event.case_id).where(Event.kind == "consent_recorded", Event.at <= p.as_of)
    return (select(Case.organisation_id, Case.municipality_id, func.count(),
                   func.sum(1 + func.coalesce(household.c.n, 0)))
            .outerjoin(household, household.c.client_id == Case.client_id)
            .outerjoin(closed, closed.c.case_id == Case.id)
            .where(Case.opened_at <= p.as_of, Case.consent_date <= p.end, Case.id.in_(consented),
                   or_(closed.c.case_id.is_(None), Case.closed_on >= p.start)))


def _new_cases(p: ReportParams):
    """Intakes dated in the period."""
    return (select(Case.organisation_id, Case.municipality_id, func.count())
            .where(Case.intake_date.between(p.start, p.end), Case.opened_at <= p.as_of))


def _plans_agreed(p: ReportParams):
    """Target agreements signed in the period (goals_agreed events; the signature date is in the payload)."""
    signed = Event.payload["signature_date"].as_string()
    return (select(Case.organisation_id, Case.municipality_id, func.count())
            .select_from(Event).join(Case, Case.id == Event.case_id)
            .where(Event.kind == "goals_agreed", Event.at <= p.as_of,
                   signed.between(p.start.isoformat(), p.end.isoformat())))


def _sessions(p: ReportParams):
    """Contacts and counselling sessions held in the period, with their total duration."""
    return (select(Case.organisation_id, Case.municipality_id, func.count(), func.sum(Contact.duration_minutes))
            .select_from(Contact).join(Case, Case.id == Contact.case_id)
            .where(Contact.occurred_on.between(p.start, p.end), Contact.recorded_at <= p.as_of))


def _referrals(p: ReportParams):
    """Referrals to partners dated in the period, by partner kind and (current) outcome."""
    return (select(Case.organisation_id, Case.municipality_id, Partner.kind, Referral.outcome, func.count())
            .select_from(Referral).join(Case, Case.id == Referral.case_id)
            .join(Partner, Partner.id == Referral.partner_id)
            .where(Referral.referred_on.between(p.start, p.end), Referral.recorded_at <= p.as_of)
            .group_by(Partner.kind, Referral.outcome))


def _closures(p: ReportParams):
    """Closures dated in the period by reason, with how many reported each outcome."""
    outcomes = Event.payload["outcomes"].as_string()
    flags = [func.sum(sql_case((outcomes.like(f'%"{code}"%'), 1), else_=0)) for code in OUTCOMES]
    return (select(Case.organisation_id, Case.municipality_id, Case.closure_reason, func.count(), *flags)
            .select_from(Event).join(Case, Case.id == Event.case_id)
            .where(Event.kind == "case_closed", Event.at <= p.as_of, Case.closed_on.between(p.start, p.end))
            .group_by(Case.closure_reason))


def _goals(p: ReportParams, dialect: str):
    """Goals agreed up to the period's end in cases not closed before it, by life area and status at as-of."""
    state = goal_states(dialect, p.as_of)
    closed = _closed_by(p)
    return (select(Case.organisation_id, Case.municipality_id, Goal.life_area, state.c.status, func.count())
            .select_from(state).join(Goal, Goal.id == state.c.goal_id).join(Case, Case.id == Goal.case_id)
            .outerjoin(closed, closed.c.case_id == Case.id)
            .where(Goal.agreed_on <= p.end, or_(closed.c.case_id.is_(None), Case.closed_on >= p.start))
            .group_by(Goal.life_area, state.c.status))


