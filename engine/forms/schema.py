"""Marshmallow schemas derived from form definitions: the server-side validation, with German messages."""
from __future__ import annotations

import datetime as dt
import re
import weakref
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from marshmallow.utils import missing

from engine.forms.definition import MULTI_CHOICE_TYPES, FormDefinition, FormField, scope_inputs

REQUIRED = "Bitte füllen Sie dieses Feld aus."
REQUIRED_CHOICE = "Bitte wählen Sie eine Option aus."
REQUIRED_CHECK = "Bitte bestätigen Sie dieses Feld."
NOT_A_NUMBER = "Bitte geben Sie eine Zahl ein."
NOT_AN_INTEGER = "Bitte geben Sie eine ganze Zahl ein."
TOO_SMALL = "Der Wert muss mindestens {min} sein."
TOO_LARGE = "Der Wert darf höchstens {max} sein."
TOO_SHORT = "Bitte geben Sie mindestens {min} Zeichen ein."
TOO_LONG = "Bitte geben Sie höchstens {max} Zeichen ein."
NOT_A_DATE = "Bitte geben Sie ein gültiges Datum ein (TT.MM.JJJJ)."
NOT_A_TIME = "Bitte geben Sie eine gültige Uhrzeit ein (HH:MM)."
NOT_A_DATETIME = "Bitte geben Sie Datum und Uhrzeit ein (TT.MM.JJJJ HH:MM)."
NOT_AN_OPTION = "Bitte wählen Sie einen der angebotenen Werte."
NO_MATCH = "Die Eingabe entspricht nicht dem erwarteten Format."
NOT_TEXT = "Bitte geben Sie einen Text ein."
TOO_FEW_ROWS = "Bitte erfassen Sie mindestens {min} Einträge."
TOO_FEW_ROWS_ONE = "Bitte erfassen Sie mindestens einen Eintrag."
NOT_ROWS = "Die Einträge konnten nicht gelesen werden."
FALSE_WORDS = frozenset({"", "false", "0", "off", "no", "nein"})  # what an unticked checkbox may send

_cache: weakref.WeakKeyDictionary[FormDefinition, Schema] = weakref.WeakKeyDictionary()


def build_schema(form: FormDefinition) -> Schema:
    """The marshmallow schema validating submissions of `form` (built once per form object)."""
    schema = _cache.get(form)
    if schema is None:
        schema = _scope_schema(form.components, f"Form_{form.id}")()
        _cache[form] = schema
    return schema


def german_number(value: float) -> str:
    """A number as Germans write it (decimal comma), for messages."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


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
    kind = _KINDS[f.type]
    if f.type in MULTI_CHOICE_TYPES or f.type == "checkbox":
        return kind(f, required=required)
    message = REQUIRED_CHOICE if f.type in ("select", "radio") else REQUIRED
    optional = {} if required else {"allow_none": True, "load_default": None}
    return kind(f, required=required, error_messages={"required": message, "null": message},
                validate=_validators(f), **optional)


def _validators(f: FormField) -> list:
    rules, result = f.rules, []
    if f.type == "number":
        if rules.min is not None:
            result.append(validate.Range(min=rules.min, error=TOO_SMALL.format(min=german_number(rules.min))))
        if rules.max is not None:
            result.append(validate.Range(max=rules.max, error=TOO_LARGE.format(max=german_number(rules.max))))
    if f.type in ("textfield", "textarea"):
        if rules.min_length:
            result.append(validate.Length(min=rules.min_length, error=TOO_SHORT.format(min=rules.min_length)))
        if rules.max_length is not None:
            result.append(validate.Length(max=rules.max_length, error=TOO_LONG.format(max=rules.max_length)))
        if rules.pattern:
            result.append(_pattern(rules.pattern))
    return result


def _pattern(pattern: str):
    # Anchored like the HTML `pattern` attribute, so browser hint and server agree.
    compiled = re.compile(rf"(?:{pattern})\Z")

    def check(value: str) -> None:
        if not compiled.match(value):
            raise ValidationError(NO_MATCH)

    return check


def _min_rows(f: FormField) -> list:
    if not f.min_rows:
        return []
    default = TOO_FEW_ROWS_ONE if f.min_rows == 1 else TOO_FEW_ROWS.format(min=f.min_rows)
    message = f.properties.get("min_rows_message") or default
    return [validate.Length(min=f.min_rows, error=message)]


class _Input(fields.Field):
    """A field that knows its form component and treats blank text as no value."""

    def __init__(self, component: FormField, **kwargs):
        super().__init__(**kwargs)
        self.component = component

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str) and not value.strip():
            value = None
        return super().deserialize(value, attr, data, **kwargs)


class _Text(_Input):
    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ValidationError(NOT_TEXT)
        return str(value).replace("\r\n", "\n").strip()


class _Number(_Input):
    def _deserialize(self, value, attr, data, **kwargs) -> int | float:
        number = parse_number(value)
        if number is None:
            raise ValidationError(NOT_A_NUMBER)
        if self.component.decimal_digits == 0 and number != number.to_integral_value():
            raise ValidationError(NOT_AN_INTEGER)
        return int(number) if number == number.to_integral_value() else float(number)


def parse_number(value: Any) -> Decimal | None:
    """A number written with a decimal point or German decimal comma, or None if it is none."""
    if isinstance(value, bool):
        return None
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text:
        # German notation: "1.234,5" — dots group thousands, the comma is the decimal mark.
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    # Beyond 15 digits a float cannot hold the number exactly; no caseworker enters such figures.
    return number if number.is_finite() and number.adjusted() < 15 else None


class _When(_Input):
    """Dates (ISO or TT.MM.JJJJ), times (HH:MM) and both; always output as ISO text."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = str(value).strip()
        parse = {"date": parse_date, "time": _parse_time, "datetime": _parse_datetime}[self.component.subtype]
        result = parse(text)
        if result is None:
            raise ValidationError({"date": NOT_A_DATE, "time": NOT_A_TIME}.get(self.component.subtype,
                                                                                 NOT_A_DATETIME))
        return result


def parse_date(text: str) -> str | None:
    """ISO text of a date written `YYYY-MM-DD` or `TT.MM.JJJJ`, or None if it is not a real date."""
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if day.year >= 1000:  # "1.2.24" must not become the year 24
            return day.isoformat()
    return None


def _parse_time(text: str) -> str | None:
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).strftime("%H:%M")
        except ValueError:
            continue
    return None


def _parse_datetime(text: str) -> str | None:
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"):
        try:
            moment = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        if moment.year >= 1000:
            return moment.strftime("%Y-%m-%dT%H:%M")
    return None


class _Choice(_Input):
    """One of the component's option values; returns the option's own value (e.g. an int id)."""

    def _deserialize(self, value, attr, data, **kwargs):
        choices = {str(o.value): o.value for o in self.component.values}
        key = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if key not in choices:
            raise ValidationError(NOT_AN_OPTION)
        return choices[key]


class _Choices(_Input):
    """Any number of the component's option values, in the order the options are offered."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is missing or value is None:
            value = []
        if isinstance(value, (str, int)):
            value = [value]
        if not isinstance(value, (list, tuple)):
            raise ValidationError(NOT_AN_OPTION)
        chosen = {str(v).strip() for v in value if str(v).strip()}
        offered = {str(o.value) for o in self.component.values}
        if chosen - offered:
            raise ValidationError(NOT_AN_OPTION)
        if self.required and not chosen:
            raise ValidationError(REQUIRED_CHOICE)
        return [o.value for o in self.component.values if str(o.value) in chosen]


class _Flag(_Input):
    """A checkbox: present and not explicitly false means ticked; `required` means it must be ticked."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if isinstance(value, str):
            ticked = value.strip().lower() not in FALSE_WORDS
        else:
            ticked = value is True or (isinstance(value, int) and value == 1)
        if self.required and not ticked:
            raise ValidationError(REQUIRED_CHECK)
        return ticked


_KINDS = {"textfield": _Text, "textarea": _Text, "number": _Number, "datetime": _When, "select": _Choice,
          "radio": _Choice, "checkbox": _Flag, "checklist": _Choices, "taglist": _Choices}


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
