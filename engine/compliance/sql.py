"""Dialect-neutral SQL pieces the rule checks need: date arithmetic, UTC dates of timestamps, JSON dates.

SQLite and PostgreSQL differ in date functions; each construct compiles to the backend's own, with the same
calendar semantics as engine.workflow.add_duration (a month added to 31 January ends on the last of February).
"""
from __future__ import annotations

from sqlalchemy import Date, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from engine.workflow import parse_duration


class date_add(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """A date plus whole months and days (both literals, so the compiled statement caches per duration)."""

    type = Date()
    inherit_cache = True
    name = "date_add"


def add_duration_sql(expr, *durations: str):
    """`expr` + the sum of ISO durations (months first, then days), as a SQL date expression."""
    months = days = 0
    for duration in durations:
        y, m, d = parse_duration(duration)
        months, days = months + 12 * y + m, days + d
    return date_add(expr, literal_column(str(months)), literal_column(str(days)))


def _parts(compiler, element, **kw):
    expr, months, days = element.clauses.clauses
    return compiler.process(expr, **kw), int(months.name), int(days.name)


@compiles(date_add, "sqlite")
def _date_add_sqlite(element, compiler, **kw):
    x, months, days = _parts(compiler, element, **kw)
    if months:
        # SQLite overflows month ends (31 Jan + 1 month = 3 Mar); clamp to the target month's last day instead.
        day = f"(CAST(strftime('%d', {x}) AS INTEGER) - 1)"
        shifted = f"date({x}, 'start of month', '+{months} months', '+' || {day} || ' days')"
        month_end = f"date({x}, 'start of month', '+{months + 1} months', '-1 day')"
        x = f"min({shifted}, {month_end})"
    return f"date({x}, '+{days} days')"


@compiles(date_add, "postgresql")
def _date_add_pg(element, compiler, **kw):
    x, months, days = _parts(compiler, element, **kw)
    return f"(CAST(({x}) + INTERVAL '{months} months' AS DATE) + {days})"


class utc_date(FunctionElement):  # noqa: N801
    """The calendar date (UTC) of a timestamp column."""

    type = Date()
    inherit_cache = True
    name = "utc_date"


@compiles(utc_date, "sqlite")
def _utc_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_date, "postgresql")
def _utc_date_pg(element, compiler, **kw):
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


class text_date(FunctionElement):  # noqa: N801
    """An ISO date stored as text (e.g. a form's date field in JSON); NULL when it is not one."""

    type = Date()
    inherit_cache = True
    name = "text_date"


@compiles(text_date, "sqlite")
def _text_date_sqlite(element, compiler, **kw):
    return f"date(substr({compiler.process(element.clauses, **kw)}, 1, 10))"


@compiles(text_date, "postgresql")
def _text_date_pg(element, compiler, **kw):
    x = compiler.process(element.clauses, **kw)
    return f"(CASE WHEN {x} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' THEN CAST(substr({x}, 1, 10) AS DATE) END)"
