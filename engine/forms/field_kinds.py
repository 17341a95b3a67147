"""Marshmallow fields per form-js input kind: text, number, date/time, choices and checkboxes, German input."""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import ValidationError, fields
from marshmallow.utils import missing

from .definition import FormField, truthy
from .messages import (
    DATE_IN_FUTURE,
    DATE_OUT_OF_RANGE,
    NOT_A_DATE,
    NOT_A_DATETIME,
    NOT_A_NUMBER,
    NOT_A_TIME,
    NOT_AN_INTEGER,
    NOT_AN_OPTION,
    NOT_TEXT,
    REQUIRED_CHECK,
    REQUIRED_CHOICE,
)

FALSE_WORDS = frozenset({"", "false", "0", "off", "no", "nein"})  # what an unticked checkbox may send
# Dates a person can mean in this work; outside, date arithmetic (deadlines, timers) would overflow.
YEARS = range(1900, 2101)
# NUL and the other C0/C1 control characters (tab and line breaks stay): PostgreSQL refuses NUL, and the
# rest only ever arrive by accident or attack; they are dropped the same way on every database.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_today: ContextVar[dt.date | None] = ContextVar("integraflow_form_today", default=None)


@contextmanager
def as_of(today: dt.date | None):
    """Validate "not in the future" against this day (the injected clock's) inside the block."""
    token = _today.set(today)
    try:
        yield
    finally:
        _today.reset(token)


def strip_controls(text: str) -> str:
    """The text without NUL and other control characters (tabs and line breaks are kept)."""
    return CONTROL_CHARACTERS.sub("", text)


def german_number(value: float) -> str:
    """A number as Germans write it (decimal comma), for messages."""
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",")


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
        return strip_controls(str(value).replace("\r\n", "\n")).strip()


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
        if self.component.subtype != "time":
            if int(result[:4]) not in YEARS:
                raise ValidationError(DATE_OUT_OF_RANGE)
            today = _today.get() or dt.date.today()
            if truthy(self.component.properties.get("not_in_future")) and result[:10] > today.isoformat():
                raise ValidationError(DATE_IN_FUTURE)
        return result


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(text: str) -> str | None:
    """ISO text of a date written `YYYY-MM-DD` or `TT.MM.JJJJ`, or None if it is not a real date."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        # What a date input sends: the C parser gives strptime's answer at a tenth of its cost.
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        return day.isoformat() if day.year >= 1000 else None
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


KINDS = {"textfield": _Text, "textarea": _Text, "number": _Number, "datetime": _When, "select": _Choice,
          "radio": _Choice, "checkbox": _Flag, "checklist": _Choices, "taglist": _Choices}
