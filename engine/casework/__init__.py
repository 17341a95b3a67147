"""The caseworker's work on a case: intake, task completion and assignment, the integration plan, contacts and notes,
counselling period; the worklist, the case page's and the team caseload's read models.
"""
from .case_page import case_view, definition_xml, task_form
from .case_processes import (
    STATUS_LABELS,
    ProcessChoice,
    ProcessView,
    finish_process,
    processes_of,
    start_data,
    start_process,
    startable_processes,
)
from .caseload import CASELOAD_ROLES, Caseload, CaseworkerLoad, team_caseload
from .contacts import add_note, log_contact
from .counselling import extend_counselling
from .form_options import form_for
from .intake import intake_form_key, open_case
from .projection import PHASE_LABELS, open_tasks_of, plan_projection, write_projections
from .step_failures import clear_step_failure
from .step_fields import STEP_FIELDS
from .task_lists import PAGE_SIZE, WorklistFilter, municipalities_for, search_cases, task_kinds, worklist
from .tasks import assign_task, claim_task, colleagues, complete_task, unclaim_task
from .workflow_steps import (
    ProcessRef,
    current_workflow,
    journey_of,
    persist,
    process_ref,
    review_date_of,
    step_failure,
    workflow_of,
)

__all__ = [
    "add_note", "assign_task", "case_view", "Caseload", "CASELOAD_ROLES", "CaseworkerLoad", "claim_task",
    "clear_step_failure", "colleagues", "complete_task", "current_workflow", "definition_xml",
    "extend_counselling", "finish_process", "form_for", "intake_form_key", "journey_of", "log_contact",
    "municipalities_for", "open_case", "open_tasks_of", "PAGE_SIZE", "persist", "PHASE_LABELS", "plan_projection",
    "process_ref", "ProcessChoice", "processes_of", "ProcessRef", "ProcessView", "review_date_of",
    "search_cases", "start_data", "start_process", "startable_processes", "STATUS_LABELS", "step_failure",
    "STEP_FIELDS", "task_form", "task_kinds", "team_caseload", "unclaim_task", "workflow_of", "worklist",
    "WorklistFilter", "write_projections"
]
