"""The team's caseload: per caseworker the open cases, overdue steps, reviews coming due and cases without contact.

Read from the case, open-task and contact tables with one grouped query per figure and one windowed query per
list (at most LIST_LIMIT entries per caseworker), never from a workflow; a team lead sees their organisation, the
district's compliance and administration see every organisation.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from engine.base import DISTRICT_WIDE, Actor
from engine.db import Case, Client, Contact, OpenTask, Organisation, User
from engine.errors import Forbidden

LIST_LIMIT = 25
CASELOAD_ROLES = {"supervisor", "compliance", "admin"}


@dataclass(frozen=True)
class CaseItem:
    """One case in a caseworker's list, with the date that put it there and, for a step, its task."""

    case_id: str
    reference: str
    client_name: str
    on: date | None
    title: str = ""
    task_id: str | None = None


@dataclass
class CaseworkerLoad:
    """One caseworker's figures and the cases behind them (None as user: open cases nobody is responsible for)."""

    user_id: int | None
    name: str
    organisation: str
    open_cases: int = 0
    overdue_steps: int = 0
    reviews_due: int = 0
    without_contact: int = 0
    overdue: list[CaseItem] = field(default_factory=list)
    reviews: list[CaseItem] = field(default_factory=list)
    silent: list[CaseItem] = field(default_factory=list)


@dataclass(frozen=True)
class Caseload:
    """The page: its thresholds and one entry per caseworker (busiest first)."""

    today: date
    review_days: int
    silent_days: int
    rows: list[CaseworkerLoad]


def team_caseload(uow, actor: Actor, review_days: int = 30, silent_days: int = 60) -> Caseload:
    """Figures per caseworker of the actor's organisation (every organisation for compliance and admin)."""
    if actor.role not in CASELOAD_ROLES:
        raise Forbidden("Die Fallzahlen des Teams sehen Teamleitung, Fachaufsicht und Administration.")
    s, today = uow.session, uow.clock.today()
    open_cases = Case.status == "open"
    if actor.role not in DISTRICT_WIDE:
        open_cases = and_(open_cases, Case.organisation_id == actor.organisation_id)
    rows = _caseworkers(s, actor)
    for user_id, count in s.execute(select(Case.responsible_user_id, func.count()).where(open_cases)
                                    .group_by(Case.responsible_user_id)):
        _row(rows, s, user_id).open_cases = count

    overdue = (select(Case.responsible_user_id.label("who"), Case.id, Case.reference, Client.first_name,
                      Client.last_name, OpenTask.due_on.label("on"), OpenTask.title, OpenTask.id.label("task"))
               .join(Case, Case.id == OpenTask.case_id).join(Client, Client.id == Case.client_id)
               .where(open_cases, OpenTask.due_on < today))
    reviews = (select(Case.responsible_user_id.label("who"), Case.id, Case.reference, Client.first_name,
                      Client.last_name, Case.next_review_due.label("on"))
               .join(Client, Client.id == Case.client_id)
               .where(open_cases, Case.next_review_due <= today + timedelta(days=review_days)))
    last_contact = (select(Contact.case_id, func.max(Contact.occurred_on).label("last")).group_by(Contact.case_id)
                    .subquery())
    since = func.coalesce(last_contact.c.last, Case.intake_date)
    silent = (select(Case.responsible_user_id.label("who"), Case.id, Case.reference, Client.first_name,
                     Client.last_name, last_contact.c.last.label("on"))
              .join(Client, Client.id == Case.client_id).outerjoin(last_contact, last_contact.c.case_id == Case.id)
              .where(open_cases, or_(since < today - timedelta(days=silent_days), since.is_(None))))
    for query, count_attr, list_attr in ((overdue, "overdue_steps", "overdue"), (reviews, "reviews_due", "reviews"),
                                         (silent, "without_contact", "silent")):
        for user_id, count in _counts(s, query):
            setattr(_row(rows, s, user_id), count_attr, count)
        for item_row in _first_per_caseworker(s, query):
            getattr(_row(rows, s, item_row.who), list_attr).append(_item(item_row))
    ordered = sorted(rows.values(), key=lambda r: (r.user_id is None, r.organisation, -r.open_cases, r.name))
    return Caseload(today, review_days, silent_days, ordered)


def _caseworkers(s, actor: Actor) -> dict[int | None, CaseworkerLoad]:
    """Every active caseworker in scope, also those without cases (a new colleague has room for some)."""
    stmt = (select(User.id, User.display_name, Organisation.name).join(Organisation, Organisation.id ==
                                                                        User.organisation_id)
            .where(User.role == "caseworker", User.active.is_(True)))
    if actor.role not in DISTRICT_WIDE:
        stmt = stmt.where(User.organisation_id == actor.organisation_id)
    return {uid: CaseworkerLoad(uid, name, org) for uid, name, org in s.execute(stmt)}


def _row(rows: dict, s, user_id: int | None) -> CaseworkerLoad:
    # A responsible person who is no caseworker in scope (a team lead, someone deactivated) still gets a line.
    if user_id not in rows:
        if user_id is None:
            rows[None] = CaseworkerLoad(None, "nicht zugewiesen", "")
        else:
            user = s.get(User, user_id)
            rows[user_id] = CaseworkerLoad(user_id, user.display_name, user.organisation.name)
    return rows[user_id]


def _counts(s, query) -> list[tuple[int | None, int]]:
    sub = query.subquery()
    return list(s.execute(select(sub.c.who, func.count()).group_by(sub.c.who)))


def _first_per_caseworker(s, query) -> list:
    """The LIST_LIMIT oldest entries per caseworker (window function: SQLite ≥ 3.25 and PostgreSQL)."""
    sub = query.add_columns(func.row_number().over(partition_by=Case.responsible_user_id,
                                                   order_by=(query.selected_columns.on.asc().nulls_first(),
                                                             Case.reference)).label("n")).subquery()
    return list(s.execute(select(sub).where(sub.c.n <= LIST_LIMIT).order_by(sub.c.who, sub.c.n)))


def _item(row) -> CaseItem:
    mapping = row._mapping
    return CaseItem(mapping["id"], mapping["reference"], f"{mapping['last_name']}, {mapping['first_name']}",
                    mapping["on"], mapping.get("title") or "", mapping.get("task"))
