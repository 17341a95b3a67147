"""Submitted form data as a reader sees it: each field's label with its value in German (choices by their labels,
dates as TT.MM.JJJJ, checkboxes as ja/nein, lists one row per entry). Used where a form has no page of its own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .definition import FormDefinition, FormField

EMPTY = "–"


@dataclass(frozen=True)
class ShownField:
    """One field of a submitted form: label and the value as text (rows of a list as separate lines)."""

    label: str
    value: str


def shown_fields(form: FormDefinition | None, data: dict) -> list[ShownField]:
    """The form's inputs with the submitted values, in form order; keys the form no longer has follow at the end."""
    if form is None:
        return [ShownField(key, _text(value)) for key, value in sorted(data.items()) if not key.startswith("_")]
    shown, seen = [], set()
    for field in _inputs(form.components):
        key = field.key or field.path
        if key is None or key in seen:
            continue
        seen.add(key)
        shown.append(ShownField(field.label or key, _value(field, data.get(key))))
    return shown


def _inputs(components) -> list[FormField]:
    found = []
    for component in components:
        if component.is_input or component.type == "dynamiclist":
            found.append(component)
        elif component.type == "group":
            found += _inputs(component.components)
    return found


def _value(field: FormField, value) -> str:
    if field.type == "dynamiclist":
        rows = value if isinstance(value, list) else []
        if not rows:
            return EMPTY
        return "\n".join("; ".join(f"{(c.label or c.key)}: {_value(c, row.get(c.key))}"
                                   for c in field.components if c.is_input and isinstance(row, dict))
                         for row in rows)
    if value in (None, "", []):
        return EMPTY
    if field.type == "checkbox":
        return "ja" if value is True or str(value).lower() in ("true", "on", "yes", "1") else "nein"
    labels = {str(o.value): o.label for o in field.values}
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if labels:
        return labels.get(str(value), str(value))
    return _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or EMPTY
    text = str(value)
    try:
        return date.fromisoformat(text[:10]).strftime("%d.%m.%Y") if len(text) == 10 else text
    except ValueError:
        return text
