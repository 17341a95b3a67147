"""What the properties panel's builders offer of a form: its top-level fields with their kind and choices."""
from __future__ import annotations

from .definition import FormDefinition, FormField

# How a value of each kind is written in an expression (the builder quotes text, not numbers or booleans).
_KINDS = {"number": "number", "checkbox": "boolean", "datetime": "date", "select": "choice", "radio": "choice",
          "checklist": "list", "taglist": "list"}


def builder_fields(form: FormDefinition) -> list[dict]:
    """The form's fields a condition or due date can read directly (not those inside lists or named groups)."""
    return [{"key": field.key, "label": field.label or field.key, "kind": _kind(field),
             "options": [{"value": o.value, "label": o.label} for o in field.values]}
            for field in _top_level(form.components) if field.key]


def _kind(field: FormField) -> str:
    if field.type == "datetime" and field.subtype not in (None, "date"):
        return "text"  # date and time together: compared as text
    return _KINDS.get(field.type, "text")


def _top_level(components) -> list[FormField]:
    found = []
    for component in components:
        if component.is_input:
            found.append(component)
        elif component.type == "group" and not component.path:
            found += _top_level(component.components)
    return found
