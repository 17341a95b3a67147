"""Numbers, durations and amounts in the reader's language, through Babel (CLDR): "3 Jahre", "0,1 s", "85 Min."."""
from __future__ import annotations

from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit
from flask_babel import get_locale

from engine.workflow import parse_duration


def _locale() -> str:
    return str(get_locale() or "de")


def number(value) -> str:
    """A whole or decimal number with the locale's separators (1.234 / 1,234)."""
    return "–" if value is None else format_decimal(value, locale=_locale())


def seconds(value) -> str:
    """A run time in seconds with one decimal: "0,1 s"."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.0", locale=_locale()) + " s"


def minutes(value) -> str:
    """A duration in minutes: "85 Min." / "85 min"."""
    if value in (None, ""):
        return "–"
    return format_unit(value, "duration-minute", length="short", locale=_locale())


def iso_duration(text: str | None) -> str:
    """An ISO 8601 duration as people say it: P3Y → "3 Jahre", P1Y6M → "1 Jahr und 6 Monate", P4W → "4 Wochen"."""
    if not text:
        return "–"
    try:
        years, months, days = parse_duration(text)
    except ValueError:
        return text
    weeks, days = (days // 7, 0) if days and days % 7 == 0 else (0, days)
    parts = [format_unit(amount, f"duration-{unit}", length="long", locale=_locale())
             for amount, unit in ((years, "year"), (months, "month"), (weeks, "week"), (days, "day")) if amount]
    return format_list(parts, locale=_locale()) if parts else format_unit(0, "duration-day", locale=_locale())


def duration_parts(text: str | None) -> tuple[int, int]:
    """(years, months) of a retention period such as P3Y or P2Y6M (days are not used there)."""
    try:
        years, months, _days = parse_duration(text or "")
    except ValueError:
        return 0, 0
    return years + months // 12, months % 12
