"""The supervisor's deadline overview ("Fristen"): due and overdue items counted per caseworker and municipality.

An item is an open task with a due date within the reminder lead time, or an open case whose counselling period ends
within the counselling warning time. Reads only the open-task projection and the case tables, in a fixed number of
set-based statements (GROUP BY for the counts, one bounded select for the detail list), whatever the number of rows.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, cast, func, literal_column, null, select, union_all
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased

from engine.base import DISTRICT_WIDE, Actor, load_deadlines
from engine.casework import municipalities_for
from engine.db import Case, Client, Municipality, OpenTask, Partner, Referral, User
from engine.errors import Forbidden
from engine.workflow import add_duration, parse_duration

from .overview_params import DETAIL_LIMIT, UNASSIGNED, DeadlineParams, load_params

OVERVIEW_ROLES = {"supervisor"} | DISTRICT_WIDE


@dataclass(frozen=True)
class Counts:
    """One line of a summary table; `key` None is "nicht zugewiesen" (caseworker table only)."""

    key: int | None
    name: str | None
    overdue: int
    escalated: int
    soon: int

    @property
    def total(self) -> int:
        """Overdue and soon-due items together."""
        return self.overdue + self.soon


@dataclass(frozen=True)
class DeadlineRow:
    """One due or overdue item of the detail list."""

    kind: str                   # task | counselling_end | referral
    case_id: str
    reference: str
    client_name: str
    title: str | None           # the task's title; None for the end of the counselling period
    due_on: date
    days_overdue: int           # negative: days left until due
    escalated: bool
    responsible_id: int | None
    responsible: str | None
    municipality: str

    @property
    def overdue(self) -> bool:
        """Past its due date."""
        return self.days_overdue > 0


@dataclass(frozen=True)
class Overview:
    """Everything the Fristen page shows."""

    today: date
    params: DeadlineParams
    durations: dict[str, tuple[int, int, int]]   # reminder_lead, escalation_after, counselling_warning
    by_caseworker: list[Counts]
    by_municipality: list[Counts]
    totals: Counts
    rows: list[DeadlineRow]
    total: int                                   # items matching the filters; `rows` holds the first of them
    municipalities: list[tuple[int, str]]
    caseworkers: list[tuple[int, str]]


def deadline_overview(uow, actor: Actor, params: Mapping | DeadlineParams, limit: int = DETAIL_LIMIT) -> Overview:
    """Due and overdue items of the actor's organisation (all for compliance/admin), counted and listed."""
    if actor.role not in OVERVIEW_ROLES:
        raise Forbidden("Die Fristenübersicht ist der Teamleitung, der Fachaufsicht und der Administration "
                        "vorbehalten.")
    p = params if isinstance(params, DeadlineParams) else load_params(params)
    today = uow.clock.today()
    deadlines = load_deadlines(uow.session)
    durations = {k: parse_duration(deadlines[k]) for k in ("reminder_lead", "escalation_after", "counselling_warning")}
    item = _items(actor, p, date.fromisoformat(add_duration(today, deadlines["reminder_lead"])),
                  date.fromisoformat(add_duration(today, deadlines["counselling_warning"])))
    # Items due before this date are more than `escalation_after` overdue.
    escalation_cutoff = _earliest_start(today, deadlines["escalation_after"])
    by_caseworker = _counts(uow.session, item, User, item.c.person_id, today, escalation_cutoff)
    by_municipality = _counts(uow.session, item, Municipality, item.c.municipality_id, today, escalation_cutoff)
    totals = Counts(None, None, *(sum(getattr(c, field) for c in by_municipality)
                                  for field in ("overdue", "escalated", "soon")))
    total = {"overdue": totals.overdue, "soon": totals.soon}.get(p.state, totals.total)
    rows = _detail(uow.session, item, p, today, escalation_cutoff, limit) if total else []
    return Overview(today, p, durations, by_caseworker, by_municipality, totals, rows, total,
                    municipalities_for(uow, actor), _caseworkers(uow.session, actor, by_caseworker))


def _items(actor: Actor, p: DeadlineParams, task_horizon: date, counselling_horizon: date):
    """Open tasks and counselling ends within their horizons, scoped and filtered (a UNION ALL subquery)."""
    tasks = (select(literal_column("'task'").label("kind"), OpenTask.case_id.label("case_id"),
                    OpenTask.title.label("title"), OpenTask.due_on.label("due_on"),
                    OpenTask.assignee_id.label("person_id"), OpenTask.municipality_id.label("municipality_id"))
             .where(OpenTask.due_on.is_not(None), OpenTask.due_on <= task_horizon))
    ends = (select(literal_column("'counselling_end'"), Case.id, cast(null(), String(200)), Case.counselling_end,
                   Case.responsible_user_id, Case.municipality_id)
            .where(Case.status == "open", Case.counselling_end.is_not(None),
                   Case.counselling_end <= counselling_horizon))
    # Open referrals whose follow-up is due: the responsible caseworker asks the partner or the client.
    follow_ups = (select(literal_column("'referral'"), Case.id, cast(Partner.name, String(200)), Referral.follow_up_on,
                         Case.responsible_user_id, Case.municipality_id)
                  .select_from(Referral).join(Case, Case.id == Referral.case_id)
                  .join(Partner, Partner.id == Referral.partner_id)
                  .where(Case.status == "open", Referral.outcome == "offen", Referral.follow_up_on.is_not(None),
                         Referral.follow_up_on <= task_horizon))
    # Filters go into each branch so that each can use its table's indexes.
    tasks = _filtered(tasks, OpenTask, OpenTask.assignee_id, actor, p)
    ends = _filtered(ends, Case, Case.responsible_user_id, actor, p)
    follow_ups = _filtered(follow_ups, Case, Case.responsible_user_id, actor, p)
    return union_all(tasks, ends, follow_ups).subquery("item")


def _filtered(stmt, model, person, actor: Actor, p: DeadlineParams):
    """Tenancy, municipality and caseworker filters on one branch of the item union."""
    if actor.role not in DISTRICT_WIDE:
        stmt = stmt.where(model.organisation_id == actor.organisation_id)
    if p.municipality_id:
        stmt = stmt.where(model.municipality_id == p.municipality_id)
    if p.caseworker_id == UNASSIGNED:
        stmt = stmt.where(person.is_(None))
    elif p.caseworker_id is not None:
        stmt = stmt.where(person == p.caseworker_id)
    return stmt


def _counts(session, item, model, key, today: date, escalation_cutoff: date) -> list[Counts]:
    """Overdue, escalated and soon-due items grouped by `key`, named from `model` (User or Municipality)."""
    name = model.display_name if model is User else model.name
    stmt = (select(key, name,
                   func.sum(sql_case((item.c.due_on < today, 1), else_=0)),
                   func.sum(sql_case((item.c.due_on < escalation_cutoff, 1), else_=0)),
                   func.sum(sql_case((item.c.due_on >= today, 1), else_=0)))
            .select_from(item).outerjoin(model, model.id == key).group_by(key, name))
    rows = [Counts(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in session.execute(stmt)]
    return sorted(rows, key=lambda c: (c.key is None, (c.name or "").casefold(), c.key or 0))


def _detail(session, item, p: DeadlineParams, today: date, escalation_cutoff: date,
            limit: int) -> list[DeadlineRow]:
    """At most `limit` items in the chosen order, with case, client, person and municipality."""
    person = aliased(User)
    stmt = (select(item.c.kind, item.c.case_id, Case.reference, Client.first_name, Client.last_name, item.c.title,
                   item.c.due_on, item.c.person_id, person.display_name, Municipality.name)
            .select_from(item).join(Case, Case.id == item.c.case_id).join(Client, Client.id == Case.client_id)
            .join(Municipality, Municipality.id == item.c.municipality_id)
            .outerjoin(person, person.id == item.c.person_id))
    state = _state_filter(item, p, today)
    if state is not None:
        stmt = stmt.where(state)
    if p.sort in ("due", "overdue"):
        stmt = stmt.where(_within_first(item, p, state, limit))
    stmt = stmt.order_by(*_ordering(p, item, person)).limit(limit)
    return [DeadlineRow(r[0], r[1], r[2], f"{r[4]}, {r[3]}", r[5], r[6], (today - r[6]).days,
                        r[6] < escalation_cutoff, r[7], r[8], r[9]) for r in session.execute(stmt)]


def _state_filter(item, p: DeadlineParams, today: date):
    """The condition for the chosen status (overdue / soon), None for all."""
    if p.state == "overdue":
        return item.c.due_on < today
    if p.state == "soon":
        return item.c.due_on >= today
    return None


def _within_first(item, p: DeadlineParams, state, limit: int):
    """Only items due no later (earlier, descending) than the `limit`-th item in due order.

    Joining case and client for every due item of a large organisation only to keep the first page cost most of
    the overview's time; this bound lets the database join only the first `limit` items and their due-date ties,
    so the order (ties by reference) stays exactly as if everything were sorted.
    """
    ascending = (p.sort == "due") == (p.direction == "asc")
    due = select(item.c.due_on)
    if state is not None:
        due = due.where(state)
    boundary = (due.order_by(item.c.due_on.asc() if ascending else item.c.due_on.desc())
                .offset(limit - 1).limit(1).scalar_subquery())
    if ascending:
        return item.c.due_on <= func.coalesce(boundary, date.max)
    return item.c.due_on >= func.coalesce(boundary, date.min)


def _ordering(p: DeadlineParams, item, person) -> list:
    """ORDER BY for the chosen column; ties broken by due date and reference so the list is stable."""
    descending = p.direction == "desc"
    due = item.c.due_on
    if p.sort == "due":
        keys = [due.desc() if descending else due.asc()]
    elif p.sort == "overdue":
        # More days overdue means an earlier due date.
        keys = [due.asc() if descending else due.desc()]
    else:
        name = person.display_name if p.sort == "caseworker" else Municipality.name
        # "nicht zugewiesen" (no name) goes last in either direction.
        keys = [sql_case((name.is_(None), 1), else_=0), name.desc() if descending else name.asc(), due.asc()]
    return [*keys, Case.reference, item.c.kind]


def _caseworkers(session, actor: Actor, counted: list[Counts]) -> list[tuple[int, str]]:
    """People to offer in the caseworker filter: the organisation's active staff and whoever holds items."""
    stmt = (select(User.id, User.display_name).where(User.role.in_(("caseworker", "supervisor")),
                                                     User.active.is_(True))
            .order_by(User.display_name, User.id))
    if actor.role not in DISTRICT_WIDE:
        stmt = stmt.where(User.organisation_id == actor.organisation_id)
    people = {r[0]: r[1] for r in session.execute(stmt)}
    # Someone who left may still hold items (they need handing over), so they stay selectable.
    people.update((c.key, c.name) for c in counted if c.key is not None and c.key not in people)
    return sorted(people.items(), key=lambda kv: (kv[1].casefold(), kv[0]))


def _earliest_start(end: date, duration: str) -> date:
    """The earliest date whose deadline (date + duration, as add_duration counts) is not before `end`."""
    years, months, days = parse_duration(duration)
    # Start safely before the answer (no duration is longer than 366 days a year, 31 a month), then walk forward.
    start = end - timedelta(days=366 * years + 31 * months + days + 1)
    while date.fromisoformat(add_duration(start, duration)) < end:
        start += timedelta(days=1)
    return start
