"""What rules may refer to: user tasks of the deployed journey, their forms' fields, deadlines, event kinds."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engine.base import DEFAULT_DEADLINES, EVENT_LABELS, JOURNEY_KEY, latest_definition, model_for
from engine.workflow import parse_duration


@dataclass(frozen=True)
class RuleTargets:
    """Names a rule may use: task id → form key, form key → field keys, known event kinds."""

    user_tasks: dict[str, str | None]
    form_fields: dict[str, frozenset[str]]
    event_kinds: frozenset[str]


def targets_for(uow) -> RuleTargets:
    """The targets of the currently deployed client journey and the shipped forms."""
    model = model_for(uow, latest_definition(uow.session, JOURNEY_KEY))
    tasks = {name: info.form_key for name, info in model.user_tasks.items()}
    fields = {}
    for form_id in uow.forms.ids():
        form = uow.forms.get(form_id)
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
            yield path, f"Unbekannter Schritt „{step}“: keine Benutzeraufgabe des bereitgestellten Prozesses."
    for path, step, name in fields:
        if step not in targets.user_tasks:
            continue
        form_key = targets.user_tasks[step]
        if name not in targets.form_fields.get(form_key or "", frozenset()):
            yield path, f"Unbekanntes Feld „{name}“ im Formular „{form_key}“ des Schritts „{step}“."
    for i, kind_name in enumerate(params.get("assignment_events") or []):
        if kind_name not in targets.event_kinds:
            yield ("assignment_events", i), f"Unbekannte Ereignisart „{kind_name}“."
