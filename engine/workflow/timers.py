"""Timer events on the injected clock, so time can be moved in tests and timers fire from our sweep.

SpiffWorkflow's timer definitions ask `datetime.now()`; ours ask the script engine's clock (the container's
clock). Date-only values ("2026-05-01") mean midnight in Europe/Berlin, the users' calendar.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)

from .durations import MAX_YEARS

BERLIN = ZoneInfo("Europe/Berlin")
# SpiffWorkflow turns years and months into days by walking the calendar month by month, so "P99999999Y" keeps
# a worker busy for many minutes (in the deploy check as well as at run time): durations longer than deadlines
# may be (MAX_YEARS) are refused before that walk.
_DAYS = {"years": 366, "months": 31, "weeks": 7, "days": 1, "hours": 1 / 24, "minutes": 1 / 1440,
         "seconds": 1 / 86400}


class TimerValueError(ValueError):
    """A timer's evaluated value is no ISO 8601 value SpiffWorkflow can use, or too far out."""


class DurationTooLong(TimerValueError):
    """A well-formed duration longer than MAX_YEARS."""


def checked_duration(expression) -> dict:
    """An ISO 8601 duration ("P3M") as SpiffWorkflow's parts, refused when it is no text, malformed or longer
    than MAX_YEARS."""
    if not isinstance(expression, str):
        raise TimerValueError(f"Dauer muss ein Text wie „P3M“ sein, nicht {type(expression).__name__}")
    try:
        parsed = TimerEventDefinition.parse_iso_duration(expression)
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises bare Exception for malformed values
        raise TimerValueError(f"„{expression[:40]}“ ist keine Dauer nach ISO 8601 (z. B. „P3M“)") from exc
    if not expression.strip().upper().startswith("P") or not parsed:
        raise TimerValueError(f"„{expression[:40]}“ ist keine Dauer nach ISO 8601 (z. B. „P3M“)")
    if sum(value * _DAYS[part] for part, value in parsed.items()) > MAX_YEARS * 366:
        raise DurationTooLong(f"Die Dauer „{expression[:40]}“ ist zu lang (höchstens {MAX_YEARS} Jahre).")
    return parsed


def checked_recurring(expression):
    """SpiffWorkflow's (cycles, start, duration) of an ISO 8601 repetition ("R3/P1W"), its durations checked
    first (see MAX_YEARS)."""
    if not isinstance(expression, str):
        raise TimerValueError(f"Wiederholung muss ein Text wie „R3/P1W“ sein, nicht {type(expression).__name__}")
    # The same split as SpiffWorkflow's parse_iso_recurring_interval, which computes each duration's length.
    for part in expression.upper().replace("--", "/").strip("R").split("/")[1:]:
        if part.startswith("P"):
            checked_duration(part)
    try:
        return TimerEventDefinition.parse_iso_recurring_interval(expression)
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises bare Exception (and others) for bad input
        raise TimerValueError(f"„{expression[:40]}“ ist keine Wiederholung nach ISO 8601 (z. B. „R3/P1W“)") \
            from exc


def moment(value: str) -> datetime:
    """An ISO date or datetime as aware UTC; naive values are Berlin local time."""
    parsed = datetime.fromisoformat(value)
    if len(value) <= 10:
        parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BERLIN)
    return parsed.astimezone(UTC)


def _now(my_task) -> datetime:
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


class ClockedTimeDate(TimeDateEventDefinition):
    """A timer at a date/time, checked against the injected clock."""

    def has_fired(self, my_task):
        """True once the clock has passed the evaluated date."""
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = str(my_task.workflow.script_engine.evaluate(my_task, self.expression))
            my_task._set_internal_data(event_value=value)
        if moment(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedDuration(DurationTimerEventDefinition):
    """A timer after a duration from when it started waiting, on the injected clock."""

    def has_fired(self, my_task):
        """True once the duration has elapsed since the timer began waiting."""
        value = my_task._get_internal_data("event_value")
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            parsed = checked_duration(expression)
            start = _now(my_task)
            value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=value)
        if moment(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockedCycle(CycleTimerEventDefinition):
    """A repeating timer on the injected clock."""

    def cycle_complete(self, my_task):
        """Advance the cycle when the next occurrence has passed."""
        value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = checked_recurring(expression)
            if str(expression).strip().split("/")[1:2] and str(expression).strip().split("/")[1].startswith("P"):
                # "R2/P1D" has no start: SpiffWorkflow counts from the wall clock, we count from the injected one.
                start = now + duration
            value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if value["cycles"] != 0:
            upcoming = moment(value["next"])
            if upcoming <= now:
                value["next"] = (upcoming + timedelta(seconds=value["duration"])).isoformat()
                value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=value)
        return ready


CLOCKED = {TimeDateEventDefinition: ClockedTimeDate, DurationTimerEventDefinition: ClockedDuration,
           CycleTimerEventDefinition: ClockedCycle}


def due_moment(task) -> datetime | None:
    """When a waiting timer task is due (from its evaluated value), or None if not known yet."""
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        value = value.get("next") if value.get("cycles") != 0 else None
    if not isinstance(value, str):
        return None
    try:
        return moment(value)
    except ValueError:
        return None


class _ClockedTimers:
    """Parser mixin: replace Spiff's timer definitions by the clocked ones."""

    def parse_timer_event(self, event):
        """Parse as SpiffWorkflow does, then swap in our subclass."""
        definition = super().parse_timer_event(event)
        clocked = CLOCKED.get(type(definition))
        if clocked is None:
            return definition
        return clocked(definition.name, definition.expression, description=definition.description)


class StartEventParser(_ClockedTimers, CamundaStartEventParser):
    """Start events with clocked timers."""


class IntermediateCatchEventParser(_ClockedTimers, CamundaIntermediateCatchEventParser):
    """Intermediate catch events with clocked timers."""


class BoundaryEventParser(_ClockedTimers, CamundaBoundaryEventParser):
    """Boundary events with clocked timers."""


__all__ = ["ClockedTimeDate", "ClockedDuration", "ClockedCycle", "CLOCKED", "due_moment", "moment",
           "StartEventParser", "IntermediateCatchEventParser", "BoundaryEventParser"]
