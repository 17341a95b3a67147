"""The caseworker's work on a case: intake, task completion and assignment, the integration plan, contacts and notes,
counselling period; the worklist, the case page's and the team caseload's read models.
"""
from .case_page import case_view, definition_xml, task_form
from .caseload import CASELOAD_ROLES, Caseload, CaseworkerLoad, team_caseload
from .contacts import add_note, log_contact
from .counselling import extend_counselling
from .form_options import form_for
from .intake import open_case
from .projection import PHASE_LABELS, open_tasks_of, plan_projection, write_projections
from .step_failures import clear_step_failure
from .task_lists import WorklistFilter, municipalities_for, search_cases, task_kinds, worklist
from .tasks import assign_task, claim_task, colleagues, complete_task, unclaim_task
from .workflow_steps import current_workflow, persist, review_date_of, step_failure, workflow_of

__all__ = [
    "add_note", "assign_task", "CASELOAD_ROLES", "Caseload", "CaseworkerLoad", "case_view", "claim_task",
    "clear_step_failure", "colleagues", "complete_task", "current_workflow", "definition_xml", "extend_counselling",
    "form_for", "log_contact", "municipalities_for", "open_case", "open_tasks_of", "persist", "PHASE_LABELS",
    "plan_projection", "review_date_of", "search_cases", "step_failure", "task_form", "task_kinds", "team_caseload",
    "unclaim_task", "workflow_of", "worklist", "WorklistFilter", "write_projections"
]
