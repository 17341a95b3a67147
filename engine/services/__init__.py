"""Application services: verbs that take a unit of work (writes) or a reader (queries)."""
from .access import ROLE_LABELS, Actor
from .case_view import CaseView, TaskForm, case_view, definition_xml, task_form
from .contacts import add_note, log_contact
from .definitions import JOURNEY_KEY, deploy_definition, latest_definition
from .intake import open_case
from .tasks import assign_task, claim_task, colleagues, complete_task, unclaim_task
from .users import authenticate, create_user, load_actor
from .worklist import WorklistFilter, municipalities_for, search_cases, task_kinds, worklist

__all__ = ["Actor", "ROLE_LABELS", "CaseView", "TaskForm", "case_view", "definition_xml", "task_form", "add_note",
           "log_contact", "JOURNEY_KEY", "deploy_definition", "latest_definition", "open_case", "assign_task",
           "claim_task", "colleagues", "complete_task", "unclaim_task", "authenticate", "create_user",
           "load_actor", "WorklistFilter", "municipalities_for", "search_cases", "task_kinds", "worklist"]
