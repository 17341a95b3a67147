"""ISO 8601 durations for deadlines ("P4W", "P3M"): calendar arithmetic on dates."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
# No deadline or timer of a case lies further out than a lifetime; longer values are typing errors (and past
# the calendar's year 9999, or slow to count out for SpiffWorkflow's timers, see engine.workflow.timers).
MAX_YEARS = 200


def parse_duration(text: str) -> tuple[int, int, int]:
    """Split a date-only ISO duration into (years, months, days); raise ValueError if malformed."""
    match = _DURATION.match(text or "")
    if not match or text == "P":
        raise ValueError(f"Ungültige Frist '{text}' (erwartet z. B. P4W, P3M, P1Y)")
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    if years * 366 + months * 31 + weeks * 7 + days > MAX_YEARS * 366:
        raise ValueError(f"Die Frist '{text}' ist zu lang (höchstens {MAX_YEARS} Jahre).")
    return years, months, weeks * 7 + days


def add_duration(start, duration: str) -> str:
    """Add an ISO duration to a date (date or 'YYYY-MM-DD'); returns ISO date text for task data."""
    if isinstance(start, str):
        start = date.fromisoformat(start[:10])
    elif isinstance(start, datetime):
        start = start.date()
    years, months, days = parse_duration(duration)
    month_index = start.month - 1 + months + 12 * years
    year, month = start.year + month_index // 12, month_index % 12 + 1
    # Month arithmetic clamps to the month's end (31 Jan + P1M = 28/29 Feb), as people count deadlines.
    day = min(start.day, calendar.monthrange(year, month)[1])
    return (date(year, month, day) + timedelta(days=days)).isoformat()


def german_date(value) -> str:
    """A date (or 'YYYY-MM-DD') as German text 'TT.MM.JJJJ' for explanations (strftime is not available to scripts)."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day:02d}.{value.month:02d}.{value.year}"
