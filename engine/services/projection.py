"""Keeping the read side in step with the workflow: open-task rows and the case's phase."""
from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from engine.db import Case, OpenTask

# Phase shown on lists, derived from the open user task (the workflow stays the source of truth).
PHASES = {
    "Task_Intake": "intake", "Task_EligibilityReview": "eligibility", "Task_Consent": "consent",
    "Task_Assessment": "assessment", "Task_TargetAgreement": "plan", "Task_Review": "review",
    "Task_Closure": "closure",
}
PHASE_LABELS = {"intake": "Erstaufnahme", "eligibility": "Prüfung Förderfähigkeit", "consent": "Einwilligung",
                "assessment": "Bedarfsanalyse", "plan": "Zielvereinbarung", "review": "Umsetzung und Fortschreibung",
                "closure": "Abschluss", "closed": "Abgeschlossen"}


def sync_open_tasks(uow, case: Case, ready_tasks, waiting_review=None) -> None:
    """Make open_task match the workflow's ready user tasks; claims on still-open tasks are kept."""
    table = OpenTask.__table__
    conn = uow.session.connection()
    existing = dict(conn.execute(select(table.c.id, table.c.due_on).where(table.c.case_id == case.id)).all())
    wanted = {t.id: t for t in ready_tasks}
    gone = [task_id for task_id in existing if task_id not in wanted]
    if gone:
        conn.execute(delete(table).where(table.c.id.in_(gone)))
    now = uow.clock.now()
    # Caseworker tasks go straight to the responsible caseworker; supervisor tasks wait in the team pool.
    new_rows = [dict(id=t.id, case_id=case.id, task_spec=t.spec_name, title=t.title, form_key=t.form_key, lane=t.lane,
                     role=t.role, assignee_id=case.responsible_user_id if t.role == "caseworker" else None,
                     organisation_id=case.organisation_id, municipality_id=case.municipality_id, due_on=t.due_on,
                     created_at=now) for t in ready_tasks if t.id not in existing]
    if new_rows:
        conn.execute(insert(table), new_rows)
    for t in ready_tasks:
        if t.id in existing and existing[t.id] != t.due_on:
            conn.execute(update(table).where(table.c.id == t.id).values(due_on=t.due_on))
    review = next((t for t in ready_tasks if t.spec_name == "Task_Review"), None)
    case.next_review_due = review.due_on if review else waiting_review
    phases = [PHASES[t.spec_name] for t in ready_tasks if t.spec_name in PHASES]
    if phases:
        case.phase = phases[0]
    elif waiting_review is not None:
        case.phase = "review"  # between reviews: the plan is being carried out
