"""Template filters and globals: German dates, labels for codes."""
from __future__ import annotations

from datetime import date, datetime

from engine.base import (
    CLOSURE_REASONS,
    EVENT_LABELS,
    GOAL_STATUS_LABELS,
    LIFE_AREAS,
    RESIDENCE_STATUS_LABELS,
    ROLE_LABELS,
)
from engine.casework import PHASE_LABELS
from engine.clock import BERLIN
from engine.reporting import OUTCOMES

from .error_summary import error_summary
from .formatting import duration_parts, iso_duration, minutes, number, seconds


def de_date(value) -> str:
    """TT.MM.JJJJ for dates and datetimes (in Europe/Berlin)."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.astimezone(BERLIN)
    return value.strftime("%d.%m.%Y")


def de_datetime(value) -> str:
    """TT.MM.JJJJ HH:MM in Europe/Berlin."""
    if value is None:
        return "–"
    return value.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")


def labels(codes, table: dict) -> str:
    """Comma-separated German labels for a list of codes (unknown codes shown as they are)."""
    return ", ".join(table.get(code, code) for code in codes or [])


CONTACT_KIND_LABELS = {"office": "Beratungsgespräch", "home_visit": "Hausbesuch", "phone": "Telefonat",
                       "video": "Videogespräch", "message": "E-Mail / Nachricht", "accompaniment": "Begleitung",
                       "partner": "Fallbesprechung mit Partnern"}


OUTCOME_LABELS = OUTCOMES  # the closure form's outcomes, as the state report names them
RELATION_LABELS = {"partner": "Partner/in", "child": "Kind", "parent": "Elternteil", "sibling": "Geschwister",
                   "other": "sonstige"}


def register(app) -> None:
    """Make filters and label tables available in templates."""
    app.jinja_env.filters.update(de_date=de_date, de_datetime=de_datetime, labels=labels, number=number,
                                 seconds=seconds, minutes=minutes, iso_duration=iso_duration,
                                 duration_parts=duration_parts)
    app.jinja_env.globals.update(LIFE_AREAS=LIFE_AREAS, GOAL_STATUS=GOAL_STATUS_LABELS, CLOSURE_REASONS=CLOSURE_REASONS,
                                 PHASES=PHASE_LABELS, ROLE_LABELS=ROLE_LABELS, EVENT_LABELS=EVENT_LABELS,
                                 RESIDENCE_STATUS=RESIDENCE_STATUS_LABELS, CONTACT_KINDS=CONTACT_KIND_LABELS,
                                 RELATIONS=RELATION_LABELS, OUTCOMES=OUTCOME_LABELS,
                                 error_summary=error_summary)
