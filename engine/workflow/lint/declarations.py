"""Checks of what a file declares (`integraflow.*`): known names and values, a journey the app can start, steps
whose forms provide what the step reads, and the key a process is deployed under."""
from __future__ import annotations

from typing import TYPE_CHECKING

from engine.forms import UnknownForm, field_names

from ..declarations import STEP_LABELS, process_declaration, properties, task_declaration
from ..declarations import declaration_problems as element_problems
from ..model import CAMUNDA_NS
from .context import DeployContext
from .problems import Problem, bpmn, error, local, warning

if TYPE_CHECKING:
    from engine.forms import FormRegistry

def declaration_problems(root, main_process, forms: FormRegistry | None, context: DeployContext) -> list[Problem]:
    """Every finding about declarations in the file; `main_process` is the process the file deploys."""
    problems = [error(el.get("id"), message) for el in root.iter()
                if local(el) in ("process", "userTask", "endEvent", "subProcess", "callActivity", "startEvent")
                for message in element_problems(el, local(el))]
    declared = process_declaration(main_process)
    problems += _key(main_process, declared.kind, context)
    intakes = [t for t in main_process.iter(bpmn("userTask")) if task_declaration(t).step == "intake"]
    if declared.kind == "journey":
        problems += _journey_start(main_process, intakes)
    else:
        problems += [error(t.get("id"), "Eine Erstaufnahme gibt es nur im Begleitprozess (integraflow.kind = "
                                        "journey): ein weiterer Ablauf beginnt an einem bestehenden Fall.")
                     for t in intakes]
        problems += [warning(e.get("id"), "Ein Abschlussgrund wirkt nur im Begleitprozess; dieser Ablauf endet, "
                                          "ohne den Fall abzuschließen.")
                     for e in main_process.iter(bpmn("endEvent")) if "closure_reason" in properties(e)]
    problems += _step_forms(root, forms, context)
    return problems


def _key(process, kind: str, context: DeployContext) -> list[Problem]:
    pid = process.get("id")
    problems = []
    if context.key is not None and pid != context.key:
        problems.append(error(pid, f"Die Prozess-id „{pid}“ muss dem Schlüssel „{context.key}“ entsprechen, unter "
                                   "dem bereitgestellt wird. Bitte die Prozess-id ändern oder als neuen Prozess "
                                   "anlegen."))
    key = context.key or pid
    journey = context.journey_key
    if kind == "journey" and journey is not None and key != journey:
        problems.append(error(pid, f"Es gibt schon einen Begleitprozess („{journey}“); jeder Fall hat genau einen. "
                                   "Diesen Prozess bitte als weiteren Ablauf (integraflow.kind = case_process) "
                                   "erklären."))
    if kind != "journey" and journey is not None and key == journey:
        problems.append(error(pid, f"„{key}“ ist der Begleitprozess, mit dem jeder neue Fall beginnt: er muss "
                                   "integraflow.kind = journey erklären."))
    return problems


def _journey_start(process, intakes) -> list[Problem]:
    """A journey needs exactly one intake, and it must be the first user task after the start."""
    pid = process.get("id")
    if not intakes:
        return [error(pid, "Der Begleitprozess hat keine Erstaufnahme: eine Benutzeraufgabe mit integraflow.step = "
                           "intake muss die erste Aufgabe nach dem Start sein.")]
    if len(intakes) > 1:
        return [error(t.get("id"), "Der Begleitprozess darf nur eine Erstaufnahme haben.") for t in intakes[1:]]
    first = _first_user_tasks(process)
    intake = intakes[0].get("id")
    if first != {intake}:
        others = ", ".join(sorted(first - {intake})) or "keine"
        return [error(intake, f"Die Erstaufnahme muss die erste Benutzeraufgabe nach dem Start sein (vorher "
                              f"erreichbar: {others}).")]
    return []


def _first_user_tasks(process) -> set[str]:
    """User tasks reached from the start events without passing another user task."""
    nodes = {el.get("id"): el for el in process if el.get("id")}
    successors: dict[str, list[str]] = {}
    for flow in process.findall(bpmn("sequenceFlow")):
        successors.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    stack = [i for i, el in nodes.items() if local(el) == "startEvent"]
    seen, first = set(), set()
    while stack:
        node = stack.pop()
        if node in seen or node not in nodes:
            continue
        seen.add(node)
        if local(nodes[node]) in ("userTask", "manualTask", "subProcess", "callActivity"):
            first.add(node)
            continue
        stack.extend(successors.get(node, []))
    return first


def _step_forms(root, forms: FormRegistry | None, context: DeployContext) -> list[Problem]:
    """A declared step reads fields from its form: the form must provide them."""
    if forms is None or not context.step_fields:
        return []
    problems = []
    for task in root.iter(bpmn("userTask")):
        step = task_declaration(task).step
        needed = context.step_fields.get(step or "")
        key = (task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
        if not needed or not key:
            continue
        try:
            provided = set(field_names(forms.get(key)))
        except UnknownForm:
            continue  # reported by the user task check
        missing = sorted(needed - provided)
        if missing:
            problems.append(error(task.get("id"), f"Der Schritt „{STEP_LABELS.get(step, step)}“ liest aus seinem "
                                                  f"Formular „{key}“ die Felder {', '.join(missing)}, die das "
                                                  "Formular nicht hat."))
    return problems
