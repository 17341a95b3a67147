"""Checks of user tasks: each needs a known form and a role (lane or candidate group) for the worklist."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import CAMUNDA_NS, LANE_ROLES, ROLES
from .problems import Problem, bpmn, error

if TYPE_CHECKING:
    from engine.forms import FormRegistry


def lane_names(root) -> dict[str, str]:
    lanes = {}
    for lane in root.iter(bpmn("lane")):  # document order: nested lanes override their parents
        for ref in lane.findall(bpmn("flowNodeRef")):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    return lanes


def user_tasks(root, forms: FormRegistry | None, draft_forms=frozenset()) -> list[Problem]:
    """Every user task needs a known form and a role (lane or candidate group) for the worklist."""
    problems, lanes = [], lane_names(root)
    for task in root.iter(bpmn("userTask")):
        task_id = task.get("id")
        form_key = (task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
        if not form_key:
            problems.append(error(task_id, "Benutzeraufgabe ohne Formular (camunda:formKey fehlt)."))
        elif forms is not None and form_key not in forms and form_key in draft_forms:
            problems.append(error(task_id, f"Das Formular „{form_key}“ ist erst ein Entwurf; bitte stellen Sie es "
                                           "zuerst bereit (Prozesse › Formulare)."))
        elif forms is not None and form_key not in forms:
            problems.append(error(task_id, f"Das Formular '{form_key}' ist nicht bekannt."))
        groups = (task.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "").strip()
        lane = lanes.get(task_id, "").strip()
        if groups:
            first = groups.split(",")[0].strip().lower()
            if first not in ROLES:
                problems.append(error(task_id, f"Unbekannte Rolle '{first}' in camunda:candidateGroups "
                                                f"(erlaubt: {', '.join(ROLES)})."))
        elif not lane:
            problems.append(error(task_id, "Benutzeraufgabe hat keine Rolle: weder Lane noch "
                                            "camunda:candidateGroups angegeben."))
        elif lane.lower() not in LANE_ROLES:
            problems.append(error(task_id, f"Die Lane '{lane}' ist keiner Rolle zugeordnet; bitte "
                                            "camunda:candidateGroups angeben."))
    return problems
