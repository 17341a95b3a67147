"""Marshmallow schemas derived from form definitions: the server-side validation, with German messages."""
from __future__ import annotations

import weakref
from typing import Any

import regex
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from marshmallow.utils import missing

from .definition import MULTI_CHOICE_TYPES, FormDefinition, FormField, scope_inputs
from .field_kinds import KINDS, german_number
from .messages import (
    NO_MATCH,
    NOT_ROWS,
    PATTERN_TOO_COSTLY,
    REQUIRED,
    REQUIRED_CHOICE,
    TOO_FEW_ROWS,
    TOO_FEW_ROWS_ONE,
    TOO_LARGE,
    TOO_LONG,
    TOO_MANY_ROWS,
    TOO_SHORT,
    TOO_SMALL,
)

INT_LIMIT = 2**31 - 1
_cache: weakref.WeakKeyDictionary[FormDefinition, Schema] = weakref.WeakKeyDictionary()


def build_schema(form: FormDefinition) -> Schema:
    """The marshmallow schema validating submissions of `form` (built once per form object)."""
    schema = _cache.get(form)
    if schema is None:
        schema = _scope_schema(form.components, f"Form_{form.id}")()
        _cache[form] = schema
    return schema


class _FormSchema(Schema):
    """Base of generated schemas: ignores unknown input and enforces `required_if`."""

    class Meta:
        unknown = EXCLUDE

    _conditional: tuple[FormField, ...] = ()

    @validates_schema(skip_on_field_errors=False)
    def _required_if(self, data: dict, **kwargs) -> None:
        errors = {}
        for f in self._conditional:
            if f.required_if.applies(data.get(f.required_if.key)) and data.get(f.key) in (None, "", [], False):
                errors[f.key] = [REQUIRED]
        if errors:
            raise ValidationError(errors)


def _scope_schema(components: tuple[FormField, ...], name: str) -> type[Schema]:
    attrs: dict[str, Any] = {}
    for f in _scope_fields(components):
        attrs[f.key] = _field(f)
    conditional = tuple(f for f in scope_inputs(components) if f.required_if)
    return type(name, (_FormSchema,), {**attrs, "_conditional": conditional})


def _scope_fields(components: tuple[FormField, ...]):
    for c in components:
        if c.is_input or (c.type in ("group", "dynamiclist") and c.path):
            yield c
        elif c.type == "group":
            yield from _scope_fields(c.components)


def _field(f: FormField) -> fields.Field:
    if f.type == "group":
        return _Group(_scope_schema(f.components, f"Group_{f.key}"))
    if f.type == "dynamiclist":
        row = _Group(_scope_schema(f.components, f"Row_{f.key}"))
        return _Rows(row, f, validate=_min_rows(f))
    # A readonly field shows what the server stored; the user could not fix it, so it is never required.
    required = f.required and not f.readonly
    kind = KINDS[f.type]
    if f.type in MULTI_CHOICE_TYPES or f.type == "checkbox":
        return kind(f, required=required)
    message = REQUIRED_CHOICE if f.type in ("select", "radio") else REQUIRED
    optional = {} if required else {"allow_none": True, "load_default": None}
    return kind(f, required=required, error_messages={"required": message, "null": message},
                validate=_validators(f), **optional)


def _validators(f: FormField) -> list:
    rules, result = f.rules, []
    if f.type == "number":
        # Without declared bounds a number still has to fit the database's integer columns.
        low = rules.min if rules.min is not None else -INT_LIMIT
        high = rules.max if rules.max is not None else INT_LIMIT
        result.append(validate.Range(min=low, error=TOO_SMALL.format(min=german_number(low))))
        result.append(validate.Range(max=high, error=TOO_LARGE.format(max=german_number(high))))
    if f.type in ("textfield", "textarea"):
        if rules.min_length:
            result.append(validate.Length(min=rules.min_length, error=TOO_SHORT.format(min=rules.min_length)))
        if rules.max_length is not None:
            result.append(validate.Length(max=rules.max_length, error=TOO_LONG.format(max=rules.max_length)))
        if rules.pattern:
            result.append(_pattern(rules.pattern))
    return result


# A supervisor's pattern with nested repetition ("(a+)+b", "(\\w+\\s?)*$") backtracks exponentially on a near
# miss: one 40-character entry would hold a worker for hours. The `regex` module stops a match after a timeout.
PATTERN_SECONDS = 0.1


def _pattern(pattern: str):
    # Anchored like the HTML `pattern` attribute, so browser hint and server agree.
    compiled = regex.compile(rf"(?:{pattern})\Z")

    def check(value: str) -> None:
        try:
            matched = compiled.match(value, timeout=PATTERN_SECONDS)
        except TimeoutError:
            raise ValidationError(PATTERN_TOO_COSTLY) from None
        if not matched:
            raise ValidationError(NO_MATCH)

    return check


def _min_rows(f: FormField) -> list:
    bounded = [validate.Length(max=f.max_rows, error=TOO_MANY_ROWS.format(max=f.max_rows))]
    if not f.min_rows:
        return bounded
    default = TOO_FEW_ROWS_ONE if f.min_rows == 1 else TOO_FEW_ROWS.format(min=f.min_rows)
    message = f.properties.get("min_rows_message") or default
    return [validate.Length(min=f.min_rows, error=message), *bounded]


class _Group(fields.Nested):
    """A group with a path: its fields validated as a nested dict (absent means empty)."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is missing or value is None:
            value = {}
        return super().deserialize(value, attr, data, **kwargs)


class _Rows(fields.List):
    """A dynamiclist: a list of row dicts (absent means no rows)."""

    def __init__(self, row: fields.Field, component: FormField, **kwargs):
        super().__init__(row, error_messages={"invalid": NOT_ROWS}, **kwargs)
        self.component = component

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is missing or value is None:
            value = []
        return super().deserialize(value, attr, data, **kwargs)
