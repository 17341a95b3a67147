"""The mapping between HTML form posts and form data: read, validate, prefill.

HTML names: a top-level field is named by its key (`last_name`); a field in a group with a path is
`path.key` (`language.needs`); a field in row i of a dynamiclist is `path-i-key` (`goals-0-title`), and
ticking `path-i-_remove` drops that row. Names compose, so nesting works (`goals-0-steps-1-title`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from marshmallow import ValidationError

from .definition import INPUT_TYPES, MULTI_CHOICE_TYPES, FormDefinition, FormField
from .field_kinds import FALSE_WORDS, as_of, parse_date, parse_number
from .schema import build_schema

FORM_ERROR = "Das Formular enthält Fehler. Bitte korrigieren Sie die markierten Felder."
ADD_ROW = "_add_row"
REMOVE_ROW = "_remove"
MAX_ROWS = 200  # a post cannot make us build unbounded lists
_ROW = re.compile(r"(\d{1,4})-")


class RawForm(Protocol):
    """What we need of a request's form data (werkzeug's MultiDict has it)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list: ...

    def __iter__(self): ...


@dataclass
class FormResult:
    """Outcome of a submission: validated `data` if ok, else German `errors` by HTML name; `values` to re-show."""

    data: dict | None
    errors: dict[str, str] = field(default_factory=dict)
    values: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the submission passed validation."""
        return not self.errors


def parse_submission(form: FormDefinition, raw: RawForm, today=None) -> FormResult:
    """Read a post, validate it against the form's schema and report data or errors (`today`: the clock's day)."""
    values = read_values(form, raw)
    try:
        with as_of(today):
            data = build_schema(form).load(values)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        _name_errors(form.components, exc.messages, "", errors)
        errors.setdefault("_form", FORM_ERROR)
        return FormResult(data=None, errors=errors, values=values)
    return FormResult(data=data, values=values)


def wants_more_rows(raw: RawForm) -> str | None:
    """The HTML name of the list whose "Weiteren Eintrag hinzufügen" button was pressed, if any."""
    target = raw.get(ADD_ROW)
    return (target.strip() or None) if isinstance(target, str) else None


def read_values(form: FormDefinition, raw: RawForm, add_row_to: str | None = None) -> dict:
    """What the user typed, nested like the data; blank and removed rows dropped.

    `add_row_to` (from `wants_more_rows`) keeps that list's blank rows, so re-rendering with
    one extra blank row shows one row more than before.
    """
    return _read_scope(form.components, raw, "", add_row_to)


def initial_values(form: FormDefinition, data: dict) -> dict:
    """Values to prefill the form from stored data; keys the form does not know are ignored."""
    return _initial_scope(form.components, data or {})


def field_names(form: FormDefinition) -> set[str]:
    """Every data key the form produces: `key`, `group.key`, `list` and `list[].key`."""
    names: set[str] = set()
    _collect_names(form.components, "", names)
    return names


def _read_scope(components: tuple[FormField, ...], raw: RawForm, prefix: str, add_row_to: str | None) -> dict:
    values: dict[str, Any] = {}
    for c in components:
        if c.type == "group" and c.path:
            values[c.path] = _read_scope(c.components, raw, f"{prefix}{c.path}.", add_row_to)
        elif c.type == "group":
            values.update(_read_scope(c.components, raw, prefix, add_row_to))
        elif c.type == "dynamiclist":
            values[c.path] = _read_rows(c, raw, f"{prefix}{c.path}", add_row_to)
        elif c.is_input:
            values[c.key] = _read_input(c, raw, f"{prefix}{c.key}")
    return values


def _read_input(c: FormField, raw: RawForm, name: str) -> Any:
    if c.type == "checkbox":
        return any(str(v).strip().lower() not in FALSE_WORDS for v in raw.getlist(name))
    if c.type in MULTI_CHOICE_TYPES:
        return [str(v) for v in raw.getlist(name) if str(v).strip()]
    text = str(raw.get(name) or "")
    # Date and number inputs only show ISO dates and decimal points, so valid input is re-shown that way.
    if c.type == "datetime" and c.subtype == "date":
        return parse_date(text) or text
    if c.type == "number" and (number := parse_number(text)) is not None:
        return format(number, "f")
    return text


def _read_rows(c: FormField, raw: RawForm, base: str, add_row_to: str | None) -> list[dict]:
    rows = []
    for index in _row_indices(raw, f"{base}-"):
        prefix = f"{base}-{index}-"
        if c.allow_add_remove and _read_input(_REMOVE, raw, f"{prefix}{REMOVE_ROW}"):
            continue
        row = _read_scope(c.components, raw, prefix, add_row_to)
        if base == add_row_to or not _is_blank(c.components, row):
            rows.append(row)
    return rows


_REMOVE = FormField(id="_remove", type="checkbox", key=REMOVE_ROW)


def _row_indices(raw: RawForm, head: str) -> list[int]:
    indices = set()
    for key in raw:
        if key.startswith(head) and (match := _ROW.match(key, len(head))):
            indices.add(int(match[1]))
    return sorted(indices)[:MAX_ROWS]


def _is_blank(components: tuple[FormField, ...], values: dict) -> bool:
    """Whether a row still looks as it was offered: empty or at its defaults."""
    for c in components:
        if c.type == "group":
            if not _is_blank(c.components, (values.get(c.path) or {}) if c.path else values):
                return False
        elif c.type == "dynamiclist":
            if values.get(c.path):
                return False
        elif c.is_input:
            value = values.get(c.key)
            if value not in ("", None, False, []) and value != _display(c, c.default):
                return False
    return True


def _initial_scope(components: tuple[FormField, ...], data: dict) -> dict:
    values: dict[str, Any] = {}
    for c in components:
        if c.type == "group" and c.path:
            if isinstance(data.get(c.path), dict):
                values[c.path] = _initial_scope(c.components, data[c.path])
        elif c.type == "group":
            values.update(_initial_scope(c.components, data))
        elif c.type == "dynamiclist":
            if isinstance(data.get(c.path), list):
                values[c.path] = [_initial_scope(c.components, r) for r in data[c.path] if isinstance(r, dict)]
        elif c.type in INPUT_TYPES and c.key in data:
            values[c.key] = _display(c, data[c.key])
    return values


def _display(c: FormField, value: Any) -> Any:
    """A stored value in the shape the template shows: bool, list of strings or text."""
    if c.type == "checkbox":
        return bool(value)
    if c.type in MULTI_CHOICE_TYPES:
        return [str(v) for v in value] if isinstance(value, list) else []
    return "" if value is None else str(value)


def _name_errors(components: tuple[FormField, ...], messages: Any, prefix: str, out: dict[str, str]) -> None:
    """Turn marshmallow's nested messages into {HTML name: first message}."""
    scope = {c.key: c for c in _scope_components(components)}
    for key, message in messages.items():
        c = scope.get(key)
        if c is None:
            out.setdefault(prefix.rstrip(".-") or "_form", _first(message))
        elif c.type == "group":
            _name_errors(c.components, message, f"{prefix}{key}.", out)
        elif c.type == "dynamiclist" and isinstance(message, dict):
            for index, row_message in message.items():
                _name_errors(c.components, row_message, f"{prefix}{key}-{index}-", out)
        else:
            out[f"{prefix}{key}"] = _first(message)


def _scope_components(components: tuple[FormField, ...]):
    for c in components:
        if c.type == "group" and not c.path:
            yield from _scope_components(c.components)
        elif c.key:
            yield c


def _first(message: Any) -> str:
    while isinstance(message, (list, dict)):
        message = next(iter(message.values() if isinstance(message, dict) else message), "")
    return str(message)


def _collect_names(components: tuple[FormField, ...], prefix: str, names: set[str]) -> None:
    for c in components:
        if c.type == "group" and c.path:
            names.add(f"{prefix}{c.path}")
            _collect_names(c.components, f"{prefix}{c.path}.", names)
        elif c.type == "group":
            _collect_names(c.components, prefix, names)
        elif c.type == "dynamiclist":
            names.add(f"{prefix}{c.path}")
            _collect_names(c.components, f"{prefix}{c.path}[].", names)
        elif c.is_input:
            names.add(f"{prefix}{c.key}")
