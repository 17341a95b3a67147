"""What rules may refer to: the steps the deployed journey declares, forms and their fields, deadlines, event kinds.

A rule names a step by what the process declares (`assessment`, `review` …, see engine.workflow.declarations), never
by a BPMN element id, or the completions of any step with a given form as `form:<form key>`.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.base import DEFAULT_DEADLINES, DOCUMENT_CATEGORIES, EVENT_LABELS, journey_definition_id, model_by_id
from engine.workflow import parse_duration

FORM_PREFIX = "form:"


@dataclass(frozen=True)
class RuleTargets:
    """Names a rule may use: step (declared, or form:key) → form key, form key → field keys, known event kinds."""

    user_tasks: dict[str, str | None]
    form_fields: dict[str, frozenset[str]]
    event_kinds: frozenset[str]


def targets_for(uow) -> RuleTargets:
    """The steps the deployed client journey declares, and every deployed form."""
    return targets_of(model_by_id(uow, journey_definition_id(uow.session)), uow.forms)


def targets_of(journey, forms) -> RuleTargets:
    """The targets of a parsed journey model and a form registry."""
    tasks = {info.step: info.form_key for info in journey.all_user_tasks() if info.step}
    fields = {}
    for form_id in forms.ids():
        tasks[FORM_PREFIX + form_id] = form_id
        form = forms.get(form_id)
        fields[form_id] = frozenset(c.key or c.path for c in form.walk() if c.key or c.path)
    return RuleTargets(tasks, fields, frozenset(EVENT_LABELS))


def is_duration_ref(value: str) -> bool:
    """A configured deadline's name or an ISO duration such as P14D."""
    if value in DEFAULT_DEADLINES:
        return True
    try:
        parse_duration(value)
    except ValueError:
        return False
    return True


_DURATION_PARAMS = ("due", "deadline", "interval", "grace", "limit", "extended_limit")


def check_targets(kind: str, params: dict, targets: RuleTargets) -> Iterator[tuple[tuple, str]]:
    """(path inside params, German reason) for every unknown step, field, deadline or event kind."""
    for name in _DURATION_PARAMS:
        if name in params and not is_duration_ref(params[name]):
            yield (name,), (f"Unbekannte Frist „{params[name]}“ (erlaubt: {', '.join(DEFAULT_DEADLINES)} "
                            "oder eine ISO-Dauer wie P14D).")
    steps = [((("step",), params["step"]))] if "step" in params else []
    if "consent_step" in params:
        steps.append((("consent_step",), params["consent_step"]))
    fields = []
    if "consent_field" in params:
        fields.append((("consent_field",), params["consent_step"], params["consent_field"]))
    fields += [(("require_fields", i), params["step"], f) for i, f in enumerate(params.get("require_fields") or [])]
    for name in ("steps", "conversations"):
        for i, dated in enumerate(params.get(name) or []):
            steps.append(((name, i, "step"), dated["step"]))
            fields.append(((name, i, "date_field"), dated["step"], dated["date_field"]))
    for path, step in steps:
        if step not in targets.user_tasks:
            declared = ", ".join(sorted(k for k in targets.user_tasks if not k.startswith(FORM_PREFIX)))
            yield path, (f"Unbekannter Schritt „{step}“: weder ein im Begleitprozess erklärter Schritt ({declared}) "
                         f"noch „{FORM_PREFIX}<Formular>“ eines bereitgestellten Formulars.")
    for path, step, name in fields:
        if step not in targets.user_tasks:
            continue
        form_key = targets.user_tasks[step]
        if name not in targets.form_fields.get(form_key or "", frozenset()):
            yield path, f"Unbekanntes Feld „{name}“ im Formular „{form_key}“ des Schritts „{step}“."
    category = params.get("document_category")
    if category is not None and category not in DOCUMENT_CATEGORIES:
        yield ("document_category",), (f"Unbekannte Dokumentkategorie „{category}“ (erlaubt: "
                                       f"{', '.join(DOCUMENT_CATEGORIES)}).")
    for i, kind_name in enumerate(params.get("assignment_events") or []):
        if kind_name not in targets.event_kinds:
            yield ("assignment_events", i), f"Unbekannte Ereignisart „{kind_name}“."
