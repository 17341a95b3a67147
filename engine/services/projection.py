"""Keeping the read side in step with the workflow: open-task rows and the case's phase."""
from __future__ import annotations

from sqlalchemy import delete, select

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


def sync_open_tasks(uow, case: Case, ready_tasks) -> list[OpenTask]:
    """Make open_task match the workflow's ready user tasks; claims on still-open tasks are kept."""
    session = uow.session
    existing = {row.id: row for row in session.execute(
        select(OpenTask).where(OpenTask.case_id == case.id)).scalars()}
    wanted = {t.id: t for t in ready_tasks}
    gone = [task_id for task_id in existing if task_id not in wanted]
    if gone:
        session.execute(delete(OpenTask).where(OpenTask.id.in_(gone)))
    rows = []
    for task in ready_tasks:
        row = existing.get(task.id)
        if row is None:
            # Caseworker tasks go straight to the responsible caseworker; supervisor tasks wait in the team pool.
            assignee = case.responsible_user_id if task.role == "caseworker" else None
            row = OpenTask(id=task.id, case_id=case.id, task_spec=task.spec_name, title=task.title,
                           form_key=task.form_key, lane=task.lane, role=task.role, assignee_id=assignee,
                           organisation_id=case.organisation_id, municipality_id=case.municipality_id,
                           due_on=task.due_on, created_at=uow.clock.now())
            session.add(row)
        else:
            row.due_on = task.due_on
        rows.append(row)
    review = next((t for t in ready_tasks if t.spec_name == "Task_Review"), None)
    case.next_review_due = review.due_on if review else None
    phases = [PHASES[t.spec_name] for t in ready_tasks if t.spec_name in PHASES]
    if phases:
        case.phase = phases[0]
    return rows
