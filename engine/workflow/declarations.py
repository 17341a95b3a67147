"""What a BPMN file declares for the app: Camunda extension properties named `integraflow.*`.

The code never looks at element ids of a process; it reads these declarations instead. A process declares whether
it is the client journey or a further case process; a user task which mandated step it is (consent, assessment …),
the journey phase it stands for and whether it needs the client's consent; an end event the closure reason of the
case. The values are the keys of the domain's vocabularies (labels live in engine.base.vocabulary).
"""
from __future__ import annotations

from dataclasses import dataclass

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
PREFIX = "integraflow."

PROCESS_KINDS = ("journey", "case_process")
STEPS = ("intake", "eligibility_review", "consent", "assessment", "target_agreement", "review", "closure")
PHASES = ("intake", "eligibility", "consent", "assessment", "plan", "review", "closure")
# German names of the steps (the properties panel and the check's messages use them).
STEP_LABELS = {
    "intake": "Erstaufnahme", "eligibility_review": "Prüfung der Förderfähigkeit", "consent": "Einwilligung",
    "assessment": "Bedarfsanalyse", "target_agreement": "Zielvereinbarung", "review": "Fortschreibung",
    "closure": "Abschluss",
}
# The phase a mandated step stands for when the task declares none.
STEP_PHASES = {"intake": "intake", "eligibility_review": "eligibility", "consent": "consent",
               "assessment": "assessment", "target_agreement": "plan", "review": "review", "closure": "closure"}
# Steps that happen before (or are) the consent: everything else waits for it unless declared otherwise.
BEFORE_CONSENT = frozenset({"intake", "eligibility_review", "consent"})
CLOSURE_REASONS = ("livelihood_secured", "goals_achieved", "moved_away", "eligibility_ended", "no_cooperation",
                   "naturalisation", "other", "no_consent", "not_eligible", "consent_withdrawn")
# Which property may stand on which element, with its allowed values (None: true/false).
ALLOWED = {
    "process": {"kind": PROCESS_KINDS, "startable": None},
    "userTask": {"step": STEPS, "phase": PHASES, "needs_consent": None},
    "endEvent": {"closure_reason": CLOSURE_REASONS},
}
_BOOLEANS = {"true": True, "false": False}


@dataclass(frozen=True)
class ProcessDeclaration:
    """Whether a process is the journey, and whether caseworkers may start it from the case page."""

    kind: str = "case_process"
    startable: bool = True


@dataclass(frozen=True)
class TaskDeclaration:
    """What a user task stands for: its mandated step (or None), journey phase, and whether it needs consent."""

    step: str | None = None
    phase: str | None = None
    needs_consent: bool = True


def properties(element) -> dict[str, str]:
    """The element's own `integraflow.*` properties, prefix removed (nested elements' properties not included)."""
    found = {}
    for ext in element.findall(f"{{{BPMN_NS}}}extensionElements"):
        for props in ext.findall(f"{{{CAMUNDA_NS}}}properties"):
            for prop in props.findall(f"{{{CAMUNDA_NS}}}property"):
                name = prop.get("name") or ""
                if name.startswith(PREFIX):
                    found[name[len(PREFIX):]] = (prop.get("value") or "").strip()
    return found


def process_declaration(process_el) -> ProcessDeclaration:
    """The declaration of a `bpmn:process` element (defaults for what it leaves out or gets wrong)."""
    props = properties(process_el)
    kind = props.get("kind") if props.get("kind") in PROCESS_KINDS else "case_process"
    return ProcessDeclaration(kind, _BOOLEANS.get(props.get("startable", "true"), True))


def task_declaration(task_el) -> TaskDeclaration:
    """The declaration of a `bpmn:userTask` element, with the phase and consent need derived from its step."""
    props = properties(task_el)
    step = props.get("step") if props.get("step") in STEPS else None
    phase = props.get("phase") if props.get("phase") in PHASES else STEP_PHASES.get(step or "")
    needs_consent = _BOOLEANS.get(props.get("needs_consent", ""), step not in BEFORE_CONSENT)
    return TaskDeclaration(step, phase, needs_consent)


def closure_reason(end_el) -> str | None:
    """The closure reason an end event declares (None: none, or not a known reason)."""
    reason = properties(end_el).get("closure_reason")
    return reason if reason in CLOSURE_REASONS else None


def declaration_problems(element, local_name: str) -> list[str]:
    """German problems of one element's declarations: unknown names, unknown values, wrong element."""
    props = properties(element)
    allowed = ALLOWED.get(local_name, {})
    problems = []
    for name, value in sorted(props.items()):
        if name not in allowed:
            where = ", ".join(f"{PREFIX}{n}" for n in allowed) or "keine"
            problems.append(f"Die Eigenschaft „{PREFIX}{name}“ gilt hier nicht (erlaubt: {where}).")
            continue
        values = allowed[name] or tuple(_BOOLEANS)
        if value not in values:
            problems.append(f"„{value}“ ist kein gültiger Wert für „{PREFIX}{name}“ (erlaubt: {', '.join(values)}).")
    return problems
