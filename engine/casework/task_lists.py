"""The worklist and case search: read only the projection and case tables, never a workflow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from engine.base import DISTRICT_WIDE, Actor, scope_cases, scope_open_tasks
from engine.db import Case, CaseProcess, Client, Municipality, OpenTask, ProcessDefinition, User
from engine.decisions import cases_with_outcome

PAGE_SIZE = 50


@dataclass(frozen=True)
class WorklistFilter:
    """Validated worklist parameters."""

    scope: str = "mine"            # mine | team | all
    municipality_id: int | None = None
    task_spec: str | None = None
    due: str = "any"               # any | overdue | week
    page: int = 1


@dataclass(frozen=True)
class WorklistRow:
    """One line of the worklist."""

    task_id: str
    case_id: str
    reference: str
    client_name: str
    municipality: str
    title: str
    role: str | None
    assignee_id: int | None
    assignee: str | None
    due_on: date | None
    overdue: bool
    restricted: bool = False  # consent withdrawn: processing restricted
    process_name: str | None = None  # a further process of the case (None: the journey)


def worklist(uow, actor: Actor, flt: WorklistFilter) -> tuple[list[WorklistRow], int]:
    """Open tasks for the actor: mine, the team's unassigned ones, or all of the organisation; overdue first.

    Filtering, counting and paging run on open_task alone (its indexes give the order); only the page's rows
    are joined to case, client and municipality, so the cost does not grow with the organisation's size.
    """
    today = uow.clock.today()
    count, stmt = _worklist_statements(actor, flt, today)
    total = uow.session.execute(count).scalar_one()
    rows = [WorklistRow(r[0], r[1], r[2], f"{r[4]}, {r[3]}", r[5], r[6], r[7], r[8], r[9], r[10],
                        bool(r[10] and r[10] < today), bool(r[11]), r[12]) for r in uow.session.execute(stmt)]
    return rows, total


@lru_cache(maxsize=512)
def _worklist_statements(actor: Actor, flt: WorklistFilter, today: date) -> tuple[Select, Select]:
    """The worklist's count and page statements for one actor, filter and day.

    Kept because building them costs about 2 ms (and their cache keys nearly 1 ms more) while a caseworker
    reloads the same worklist after every completion; everything they embed is part of the key.
    """
    tasks = scope_open_tasks(select(OpenTask.id), actor)
    if flt.scope == "mine":
        tasks = tasks.where(OpenTask.assignee_id == actor.id)
    elif flt.scope == "team":
        roles = ("caseworker", "supervisor") if actor.is_supervisor else (actor.role,)
        tasks = tasks.where(OpenTask.assignee_id.is_(None), OpenTask.role.in_(roles))
    if flt.municipality_id:
        tasks = tasks.where(OpenTask.municipality_id == flt.municipality_id)
    if flt.task_spec:
        tasks = tasks.where(OpenTask.task_spec == flt.task_spec)
    if flt.due == "overdue":
        tasks = tasks.where(OpenTask.due_on < today)
    elif flt.due == "week":
        tasks = tasks.where(OpenTask.due_on <= date.fromordinal(today.toordinal() + 7))
    count = select(func.count()).select_from(tasks.subquery())
    order = (OpenTask.due_on.asc().nulls_last(), OpenTask.created_at, OpenTask.id)
    page = tasks.order_by(*order).limit(PAGE_SIZE).offset((max(flt.page, 1) - 1) * PAGE_SIZE).subquery()
    assignee = aliased(User)
    # Tasks of a further process show its name; the journey's process is the case itself (no join needed).
    other = and_(CaseProcess.id == OpenTask.process_id, OpenTask.process_id != OpenTask.case_id)
    stmt = (select(OpenTask.id, OpenTask.case_id, Case.reference, Client.first_name, Client.last_name,
                   Municipality.name, OpenTask.title, OpenTask.role, OpenTask.assignee_id, assignee.display_name,
                   OpenTask.due_on, Case.processing_restricted, ProcessDefinition.name)
            .join(page, page.c.id == OpenTask.id)
            .join(Case, Case.id == OpenTask.case_id).join(Client, Client.id == Case.client_id)
            .join(Municipality, Municipality.id == OpenTask.municipality_id)
            .outerjoin(assignee, assignee.id == OpenTask.assignee_id)
            .outerjoin(CaseProcess, other)
            .outerjoin(ProcessDefinition, ProcessDefinition.id == CaseProcess.definition_id).order_by(*order))
    return count, stmt


@dataclass(frozen=True)
class CaseRow:
    """One line of the case list."""

    case_id: str
    reference: str
    client_name: str
    municipality: str
    phase: str
    status: str
    responsible: str | None
    next_review_due: date | None
    opened_at: date
    restricted: bool = False  # consent withdrawn: processing restricted


def search_cases(uow, actor: Actor, query: str = "", status: str = "open", municipality_id: int | None = None,
                 page: int = 1, decision: str = "") -> tuple[list[CaseRow], int]:
    """Cases the actor may see, filtered by reference or client name, status and municipality, in name order.

    Matching, counting, ordering and paging all run on the case table: its `search_name` ("last first reference",
    kept by triggers) has a trigram index on PostgreSQL and leads the list's order index; only the page's cases
    are joined for display.
    """
    cases = scope_cases(select(Case.id), actor)
    if status in ("open", "closed"):
        cases = cases.where(Case.status == status)
    if municipality_id:
        cases = cases.where(Case.municipality_id == municipality_id)
    if decision and "=" in decision:
        # Latest outcome of a decision table per case, from the indexed outcome table ("eligibility=nein").
        key, outcome = decision.split("=", 1)
        cases = cases.where(Case.id.in_(cases_with_outcome(key, outcome)))
    for word in [w for w in (query or "").strip().split() if w][:4]:
        pattern = f"%{word.lower().replace('%', '').replace('_', '')}%"
        cases = cases.where(Case.search_name.like(pattern))
    total = uow.session.execute(select(func.count()).select_from(cases.subquery())).scalar_one()
    order = (Case.search_name, Case.id)
    page_ids = cases.order_by(*order).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE).subquery()
    responsible = aliased(User)
    stmt = (select(Case.id, Case.reference, Client.first_name, Client.last_name, Municipality.name, Case.phase,
                   Case.status, responsible.display_name, Case.next_review_due, Case.intake_date,
                   Case.processing_restricted)
            .join(page_ids, page_ids.c.id == Case.id)
            .join(Client, Client.id == Case.client_id).join(Municipality, Municipality.id == Case.municipality_id)
            .outerjoin(responsible, responsible.id == Case.responsible_user_id).order_by(*order))
    rows = [CaseRow(r[0], r[1], f"{r[3]}, {r[2]}", r[4], r[5], r[6], r[7], r[8], r[9], bool(r[10]))
            for r in uow.session.execute(stmt)]
    return rows, total


def municipalities_for(uow, actor: Actor) -> list[tuple[int, str]]:
    """Municipalities to offer in filters."""
    stmt = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    if actor.role not in DISTRICT_WIDE:
        stmt = stmt.where(Municipality.organisation_id == actor.organisation_id)
    return [(r[0], r[1]) for r in uow.session.execute(stmt)]


def task_kinds(uow, actor: Actor) -> list[tuple[str, str]]:
    """Distinct task kinds present in the actor's open tasks (for the filter)."""
    stmt = scope_open_tasks(select(OpenTask.task_spec, func.min(OpenTask.title)), actor).group_by(OpenTask.task_spec)
    return [(r[0], r[1]) for r in uow.session.execute(stmt.order_by(func.min(OpenTask.title)))]


__all__ = ["WorklistFilter", "WorklistRow", "worklist", "CaseRow", "search_cases", "municipalities_for",
           "task_kinds"]
