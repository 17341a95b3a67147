"""The funding-period report (Verwendungsnachweis): positions granted against the casework they paid for.

Per organisation and municipality: full-time equivalents (averaged over the period when grants change within it),
cases served, cases active at the period's end, new cases, closures by reason, counselling sessions and hours, and
cases per full-time equivalent; per caseworker: cases and counselling hours. Read with the state report's grouped
statements over the case, contact and event tables (never a workflow); stamped like it with the as-of time and
rule version, plus the audit trail's head so a figure can be traced to the log it was read from.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import func, or_, select

from engine.base import DISTRICT_WIDE, Actor, event_log_head
from engine.clock import BERLIN
from engine.db import Case, Contact, User
from engine.errors import Forbidden, InvalidInput

from .params import FIRST_YEAR
from .position_grants import MAX_PERIOD_DAYS, PositionEntry, funded_positions
from .scope import check_filters, unit_names
from .stamp import rule_version
from .state_report_query import _closed_by, _closures, _new_cases, _scoper, _served, _sessions

FUNDING_ROLES = {"supervisor"} | DISTRICT_WIDE
_MAX_ID = 2**31 - 1


class FundingQuery(Schema):
    """Query-string parameters: the funding period (from–to) and optional filters."""

    class Meta:
        unknown = EXCLUDE

    start = fields.Date(data_key="von", load_default=None, error_messages={"invalid": "Der Beginn ist ungültig."})
    end = fields.Date(data_key="bis", load_default=None, error_messages={"invalid": "Das Ende ist ungültig."})
    organisation_id = fields.Integer(data_key="organisation", load_default=None, validate=validate.Range(
        min=1, max=_MAX_ID, error="Die Organisation ist ungültig."),
        error_messages={"invalid": "Die Organisation ist ungültig."})
    municipality_id = fields.Integer(data_key="municipality", load_default=None, validate=validate.Range(
        min=1, max=_MAX_ID, error="Die Kommune ist ungültig."),
        error_messages={"invalid": "Die Kommune ist ungültig."})


@dataclass(frozen=True)
class FundingParams:
    """A validated funding period with filters; `as_of` is the aware UTC time the figures were read at."""

    start: date
    end: date
    as_of: datetime
    organisation_id: int | None = None
    municipality_id: int | None = None

    @property
    def label(self) -> str:
        """The period in German notation."""
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    @property
    def days(self) -> int:
        """Length of the period in days (both ends included)."""
        return (self.end - self.start).days + 1

    @property
    def as_of_local(self) -> datetime:
        """The as-of time in Europe/Berlin."""
        return self.as_of.astimezone(BERLIN)

    def query(self, **overrides) -> dict:
        """Query-string arguments reproducing this period and its filters."""
        args = {"von": self.start.isoformat(), "bis": self.end.isoformat(), "organisation": self.organisation_id,
                "municipality": self.municipality_id, **overrides}
        return {k: v for k, v in args.items() if v is not None}


@dataclass
class FundingUnit:
    """Figures of one municipality worked by one organisation (or a sum of such units)."""

    organisation_id: int | None
    organisation: str
    municipality_id: int | None
    municipality: str | None
    fte: Decimal = Decimal("0")
    cases_served: int = 0
    active_at_end: int = 0
    new_cases: int = 0
    sessions: int = 0
    session_minutes: int = 0
    closures: Counter = field(default_factory=Counter)

    @property
    def session_hours(self) -> float:
        """Counselling time in hours, one decimal."""
        return round(self.session_minutes / 60, 1)

    @property
    def closures_total(self) -> int:
        """All closures in the period."""
        return sum(self.closures.values())

    @property
    def cases_per_fte(self) -> float | None:
        """Cases served per full-time equivalent (None without granted positions)."""
        return round(self.cases_served / float(self.fte), 1) if self.fte else None

    @property
    def hours_per_fte(self) -> float | None:
        """Counselling hours per full-time equivalent (None without granted positions)."""
        return round(self.session_minutes / 60 / float(self.fte), 1) if self.fte else None


@dataclass(frozen=True)
class CaseworkerFigures:
    """One caseworker's share: cases they are responsible for, new cases, counselling they logged."""

    user_id: int | None
    name: str
    organisation: str
    cases_served: int
    new_cases: int
    sessions: int
    session_minutes: int

    @property
    def session_hours(self) -> float:
        """Counselling time in hours, one decimal."""
        return round(self.session_minutes / 60, 1)


@dataclass(frozen=True)
class FundingReport:
    """The whole report: parameters, stamp, units, sums, caseworkers and the grants behind the positions."""

    params: FundingParams
    rule_version: str
    log_head: tuple[int, str]
    scope: str
    units: list[FundingUnit]
    organisations: list[FundingUnit]
    total: FundingUnit
    caseworkers: list[CaseworkerFigures]
    positions: list[PositionEntry]

    @property
    def stamp(self) -> list[tuple[str, str]]:
        """Heading lines every export carries (like the state report's, plus the audit trail's head)."""
        seq, digest = self.log_head
        lines = [("Förderzeitraum", self.params.label),
                 ("Stand", f"{self.params.as_of_local:%d.%m.%Y %H:%M:%S} (Europe/Berlin)"),
                 ("Regelversion", self.rule_version), ("Umfang", self.scope),
                 ("Protokollstand", f"Ereignis {seq}, Kette {digest[:16] or '–'}")]
        return lines


def load_funding_params(session, actor: Actor, raw: Mapping, now: datetime) -> FundingParams:
    """Validate the period; without one, the latest granted period that has begun, else the current year."""
    try:
        data = FundingQuery().load({k: v for k, v in raw.items() if v not in ("", None)})
    except ValidationError as exc:
        errors = {k: v[0] if isinstance(v, list) else str(v) for k, v in exc.messages.items()}
        raise InvalidInput("Ungültige Angaben: " + " ".join(errors.values()), errors) from exc
    now = now.astimezone(UTC).replace(microsecond=0)
    today = now.astimezone(BERLIN).date()
    start, end = data["start"], data["end"]
    if start is None or end is None:
        begun = [p for p in funded_positions(session, actor) if p.period_start <= today]
        latest = max(begun, key=lambda p: (p.period_start, p.period_end), default=None)
        start, end = ((latest.period_start, latest.period_end) if latest
                      else (date(today.year, 1, 1), date(today.year, 12, 31)))
    if end < start:
        raise InvalidInput("Ungültige Angaben: Das Ende liegt vor dem Beginn.",
                           {"bis": "Das Ende liegt vor dem Beginn."})
    if (end - start).days > MAX_PERIOD_DAYS or start.year < FIRST_YEAR:
        raise InvalidInput("Ungültige Angaben: Ein Förderzeitraum umfasst höchstens fünf Jahre ab "
                           f"{FIRST_YEAR}.", {"von": "Der Zeitraum ist zu lang."})
    if start > today:
        raise InvalidInput("Ungültige Angaben: Der Zeitraum beginnt erst in der Zukunft; es gibt noch keine Zahlen.",
                           {"von": "Der Beginn liegt in der Zukunft."})
    return FundingParams(start, end, now, data["organisation_id"], data["municipality_id"])


def funding_report(uow, actor: Actor, raw: Mapping | FundingParams) -> FundingReport:
    """The funding-period report for the actor's scope (team leads: their organisation; district: all)."""
    if actor.role not in FUNDING_ROLES:
        raise Forbidden("Stellen und Fallzahlen sehen Teamleitung, Fachaufsicht und Administration.")
    s = uow.session
    p = raw if isinstance(raw, FundingParams) else load_funding_params(s, actor, raw, uow.clock.now())
    filters = check_filters(s, actor, p)
    units: dict[tuple[int, int], FundingUnit] = {}

    def unit(org_id: int, muni_id: int) -> FundingUnit:
        return units.setdefault((org_id, muni_id), FundingUnit(org_id, "", muni_id, ""))

    for org_id, muni_id in filters.base_units:
        unit(org_id, muni_id)
    positions = funded_positions(s, actor, p.start, p.end, p.organisation_id, p.municipality_id)
    for grant in positions:
        unit(grant.organisation_id, grant.municipality_id).fte += _averaged(grant, p)
    scoped = _scoper(actor, p)
    for org_id, muni_id, cases, _persons in s.execute(scoped(_served(p))):
        unit(org_id, muni_id).cases_served = cases
    for org_id, muni_id, n in s.execute(scoped(_active_at_end(p))):
        unit(org_id, muni_id).active_at_end = n
    for org_id, muni_id, n in s.execute(scoped(_new_cases(p))):
        unit(org_id, muni_id).new_cases = n
    for org_id, muni_id, n, minutes in s.execute(scoped(_sessions(p))):
        unit(org_id, muni_id).sessions, unit(org_id, muni_id).session_minutes = n, int(minutes or 0)
    for org_id, muni_id, reason, n, *_outcomes in s.execute(scoped(_closures(p))):
        unit(org_id, muni_id).closures[reason] += n
    ordered = unit_names(s, list(units.values()))
    organisations = [_summed([u for u in ordered if u.organisation_id == org_id], org_id, name)
                     for org_id, name in dict.fromkeys((u.organisation_id, u.organisation) for u in ordered)]
    return FundingReport(p, rule_version(s, p.as_of), event_log_head(s), filters.scope, ordered, organisations,
                         _summed(ordered, None, "Gesamt"), _caseworkers(s, actor, p), positions)


def _averaged(grant: PositionEntry, p: FundingParams) -> Decimal:
    """The grant's full-time equivalents weighted by the share of the period it covers."""
    overlap = (min(grant.period_end, p.end) - max(grant.period_start, p.start)).days + 1
    return (grant.fte * overlap / p.days).quantize(Decimal("0.01"))


def _active_at_end(p: FundingParams):
    """Cases in counselling on the period's last day: taken in by then, not closed by then."""
    closed = _closed_by(p)
    return (select(Case.organisation_id, Case.municipality_id, func.count())
            .outerjoin(closed, closed.c.case_id == Case.id)
            .where(Case.opened_at <= p.as_of, Case.intake_date <= p.end, Case.consent_date <= p.end,
                   or_(closed.c.case_id.is_(None), Case.closed_on > p.end)))


def _caseworkers(s, actor: Actor, p: FundingParams) -> list[CaseworkerFigures]:
    """Per responsible caseworker: cases served and new; per caseworker who logged them: counselling sessions."""
    def own(stmt):
        if actor.role not in DISTRICT_WIDE:
            stmt = stmt.where(Case.organisation_id == actor.organisation_id)
        if p.organisation_id:
            stmt = stmt.where(Case.organisation_id == p.organisation_id)
        if p.municipality_id:
            stmt = stmt.where(Case.municipality_id == p.municipality_id)
        return stmt

    served = _served(p).with_only_columns(Case.responsible_user_id, func.count(), maintain_column_froms=True)
    new = _new_cases(p).with_only_columns(Case.responsible_user_id, func.count(), maintain_column_froms=True)
    talks = (select(Contact.recorded_by, func.count(), func.sum(Contact.duration_minutes))
             .select_from(Contact).join(Case, Case.id == Contact.case_id)
             .where(Contact.occurred_on.between(p.start, p.end), Contact.recorded_at <= p.as_of))
    figures: dict[int | None, list[int]] = {}
    for who, n in s.execute(own(served).group_by(Case.responsible_user_id)):
        figures.setdefault(who, [0, 0, 0, 0])[0] = n
    for who, n in s.execute(own(new).group_by(Case.responsible_user_id)):
        figures.setdefault(who, [0, 0, 0, 0])[1] = n
    for who, n, minutes in s.execute(own(talks).group_by(Contact.recorded_by)):
        row = figures.setdefault(who, [0, 0, 0, 0])
        row[2], row[3] = n, int(minutes or 0)
    ids = [i for i in figures if i is not None]
    users = {u.id: u for u in s.execute(select(User).where(User.id.in_(ids))).scalars()} if ids else {}
    rows = [CaseworkerFigures(uid, users[uid].display_name if uid in users else "nicht zugewiesen",
                              users[uid].organisation.name if uid in users else "", *values)
            for uid, values in figures.items()]
    return sorted(rows, key=lambda r: (r.user_id is None, r.organisation.casefold(), r.name.casefold()))


def _summed(units: list[FundingUnit], organisation_id: int | None, name: str) -> FundingUnit:
    total = FundingUnit(organisation_id, name, None, None)
    for u in units:
        total.fte += u.fte
        total.cases_served += u.cases_served
        total.active_at_end += u.active_at_end
        total.new_cases += u.new_cases
        total.sessions += u.sessions
        total.session_minutes += u.session_minutes
        total.closures.update(u.closures)
    return total
