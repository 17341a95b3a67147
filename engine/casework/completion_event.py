"""The audit event of a task completion: the one place that decides what its payload records.

Whatever a step produces that the audit trail must show (today the task and the form version; later e.g. the
decisions a business-rule task evaluated) is added here, so the event is built from what the step produced and
nowhere else.
"""
from __future__ import annotations


def completion_event_payload(task, form_version: int | None, produced) -> dict:
    """The task_completed event's payload for `task` (the open-task row) and what its step `produced`
    (engine.casework.workflow_steps.ComputedStep: the workflow after the step, its delta, whether it finished)."""
    return {"task_id": task.id, "task": task.task_spec, "title": task.title, "form": task.form_key,
            "form_version": form_version}
