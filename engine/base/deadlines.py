"""Configurable deadlines of the funding period, with the defaults named in domain.md.

How often a plan is reviewed is not a deadline here: the decision table `review_interval` (bpmn/) decides it per
case, and a team lead edits it under Prozesse → Entscheidungstabellen.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import Setting
from engine.workflow import parse_duration

DEFAULT_DEADLINES = {
    "assessment": "P4W",            # first conversation / needs assessment after intake
    "target_agreement": "P8W",      # signed target agreement after intake
    "counselling_max": "P3Y",       # counselling period per person
    "counselling_max_extended": "P4Y",  # justified individual cases, with a written reason
    "contact_logging": "P14D",      # contacts logged within this time
    "reminder_lead": "P14D",        # first reminder this long before a deadline
    "escalation_after": "P14D",     # overdue this long: escalate to the supervisor
    "counselling_warning": "P3M",   # warn this long before the counselling period ends
}
DEADLINE_LABELS = {
    "assessment": "Bedarfsanalyse nach Aufnahme",
    "target_agreement": "Zielvereinbarung nach Aufnahme",
    "counselling_max": "Höchstdauer der Beratung",
    "counselling_max_extended": "Höchstdauer mit begründeter Verlängerung",
    "contact_logging": "Dokumentation eines Kontakts",
    "reminder_lead": "Erinnerung vor Fristablauf",
    "escalation_after": "Eskalation an die Teamleitung nach Überschreitung",
    "counselling_warning": "Warnung vor Ende des Beratungszeitraums",
}


def load_deadlines(session: Session) -> dict[str, str]:
    """Current deadlines: stored values over the defaults."""
    stored = session.execute(select(Setting).where(Setting.key == "deadlines")).scalar_one_or_none()
    # A stored value of a deadline that no longer exists (review_interval, now a decision table) is ignored.
    values = stored.value if stored else {}
    return {**DEFAULT_DEADLINES, **{k: v for k, v in values.items() if k in DEFAULT_DEADLINES}}


def validate_deadlines(values: dict[str, str]) -> dict[str, str]:
    """German messages per invalid deadline; empty when all are ISO durations like P4W."""
    errors = {}
    for key, value in values.items():
        if key not in DEFAULT_DEADLINES:
            errors[key] = "Unbekannte Frist."
            continue
        try:
            parse_duration(value)
        except ValueError as exc:
            errors[key] = str(exc)
    return errors
