"""Keeping the read side in step with the workflows: open-task rows and the case's phase.

Each process of a case projects its own ready tasks; only the journey's decide the case's phase and review date.
The change is computed first (plan_projection, no database access) and written afterwards (write_projections,
one statement per kind of change), so the timer sweep can project hundreds of processes at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, delete, insert, select, update

from engine.db import Case, OpenTask, Prebuilt

# The phase shown on lists is the one the open user task declares (the workflow stays the source of truth).
PHASE_LABELS = {"intake": "Erstaufnahme", "eligibility": "Prüfung Förderfähigkeit", "consent": "Einwilligung",
                "assessment": "Bedarfsanalyse", "plan": "Zielvereinbarung", "review": "Umsetzung und Fortschreibung",
                "closure": "Abschluss", "closed": "Abgeschlossen"}
_OPEN = OpenTask.__table__
_DELETE_OPEN = Prebuilt(delete(_OPEN).where(_OPEN.c.id == bindparam("i")))
_UPDATE_DUE = Prebuilt(update(_OPEN).where(_OPEN.c.id == bindparam("i")).values(due_on=bindparam("due_on")))
_INSERT_OPEN = Prebuilt(insert(_OPEN))
# A finished task replaced by the next one: one UPDATE that rewrites every column (the id too) instead of DELETE +
# INSERT, one statement less while the write lock is held (a round trip less on PostgreSQL).
_OPEN_COLUMNS = frozenset(_OPEN.c.keys())
_REPLACE_OPEN = Prebuilt(update(_OPEN).where(_OPEN.c.id == bindparam("old_id"))
                         .values(**{name: bindparam(f"n_{name}") for name in sorted(_OPEN_COLUMNS)}))


@dataclass
class ProjectionChange:
    """How one process's open tasks (and, for the journey, the case's list fields) must change."""

    gone: list[str] = field(default_factory=list)
    new_rows: list[dict] = field(default_factory=list)
    due_changes: list[dict] = field(default_factory=list)
    next_review_due: date | None = None
    phase: str | None = None  # None: keep the current phase


def open_tasks_of(conn, process_ids: list[str]) -> dict[str, dict[str, date | None]]:
    """Open task ids with their due dates, per process, in one query."""
    found: dict[str, dict] = {process_id: {} for process_id in process_ids}
    for process_id, task_id, due_on in conn.execute(select(_OPEN.c.process_id, _OPEN.c.id, _OPEN.c.due_on)
                                                    .where(_OPEN.c.process_id.in_(process_ids))):
        found[process_id][task_id] = due_on
    return found


def plan_projection(case, process_id: str, ready_tasks, existing: dict, now, waiting_review=None,
                    journey: bool = True) -> ProjectionChange:
    """Compare the workflow's ready user tasks with the projected ones; claims on still-open tasks are kept."""
    wanted = {t.id for t in ready_tasks}
    change = ProjectionChange(gone=[task_id for task_id in existing if task_id not in wanted])
    # Caseworker tasks go straight to the responsible caseworker; supervisor tasks wait in the team pool.
    change.new_rows = [dict(id=t.id, case_id=case.id, process_id=process_id, task_spec=t.spec_name, title=t.title,
                            form_key=t.form_key, lane=t.lane, role=t.role, step=t.step, needs_consent=t.needs_consent,
                            assignee_id=case.responsible_user_id if t.role == "caseworker" else None,
                            organisation_id=case.organisation_id, municipality_id=case.municipality_id,
                            due_on=t.due_on, created_at=now) for t in ready_tasks if t.id not in existing]
    change.due_changes = [{"i": t.id, "due_on": t.due_on} for t in ready_tasks
                          if t.id in existing and existing[t.id] != t.due_on]
    if not journey:
        change.next_review_due = case.next_review_due  # a further process leaves the journey's fields alone
        return change
    review = next((t for t in ready_tasks if t.step == "review"), None)
    change.next_review_due = review.due_on if review else waiting_review
    phases = [t.phase for t in ready_tasks if t.phase]
    if phases:
        change.phase = phases[0]
    elif waiting_review is not None:
        change.phase = "review"  # between reviews: the plan is being carried out
    return change


def write_projections(conn, changes: list[ProjectionChange]) -> None:
    """Apply the open-task changes of many cases (the case columns are the caller's business)."""
    gone = [{"i": task_id} for change in changes for task_id in change.gone]
    new_rows = [row for change in changes for row in change.new_rows]
    due_changes = [row for change in changes for row in change.due_changes]
    replaced = []
    while gone and new_rows and new_rows[-1].keys() == _OPEN_COLUMNS:  # a row naming every column: nothing old stays
        new = new_rows.pop()
        replaced.append({"old_id": gone.pop()["i"], **{f"n_{name}": value for name, value in new.items()}})
    if replaced:
        _REPLACE_OPEN(conn, replaced)
    if gone:
        _DELETE_OPEN(conn, gone)
    if new_rows:
        _INSERT_OPEN(conn, new_rows)
    if due_changes:
        _UPDATE_DUE(conn, due_changes)


def sync_open_tasks(uow, case: Case, process_id: str, ready_tasks, journey: bool = True,
                    waiting_review=None) -> None:
    """Make open_task match the process's ready user tasks and update the case's list fields."""
    conn = uow.session.connection()
    change = plan_projection(case, process_id, ready_tasks, open_tasks_of(conn, [process_id])[process_id],
                             uow.clock.now(), waiting_review, journey)
    write_projections(conn, [change])
    apply_case_fields(case, change)


def apply_case_fields(case: Case, change: ProjectionChange) -> None:
    """Set the case's list fields the projection decided (written with the case's next UPDATE)."""
    case.next_review_due = change.next_review_due
    if change.phase:
        case.phase = change.phase
