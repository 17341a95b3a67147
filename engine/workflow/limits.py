"""Execution limits for scripts and expressions: a time and step budget per workflow step, and size budgets.

A step (starting a process, completing a task, firing timers) gets one budget; every loop iteration, function call
and comprehension element of a script ticks it, every guarded operation that allocates charges it. When it runs out
the step fails with `LimitExceeded`, whose message is German and says which limit was hit.
"""
from __future__ import annotations

import gc
import math
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much one workflow step may compute and allocate (configurable; defaults documented in the README)."""

    seconds: float = 1.0          # CPU time of all scripts and expressions of one step (this thread)
    steps: int = 2_000_000        # loop iterations, function calls and comprehension elements of one step
    max_chars: int = 1_000_000    # length of one string
    max_items: int = 100_000      # length of one list, tuple, range, set or dict
    max_int_bits: int = 14_000    # size of one integer (about 4,200 decimal digits)
    max_alloc: int = 20_000_000   # characters and items created by guarded operations in one step
    max_data: int = 1_000_000     # size of a task's data after a script (characters of its JSON, roughly)
    max_depth: int = 100          # nesting of data and of function calls
    max_engine_steps: int = 500   # BPMN elements (gateways, scripts, events) one step may pass through


DEFAULT_LIMITS = Limits()


class _CollectorTime(threading.local):
    """CPU time the garbage collector spent on this thread (it runs inside whatever step allocated last)."""

    started = 0.0
    spent = 0.0


_collector = _CollectorTime()


def _count_collection(phase: str, _info: dict) -> None:
    if phase == "start":
        _collector.started = time.thread_time()
    else:
        _collector.spent += time.thread_time() - _collector.started


gc.callbacks.append(_count_collection)


def _script_time() -> float:
    """This thread's CPU time without the garbage collector's share.

    A full collection of a large, long-running process takes its time from whichever step happens to allocate
    then (measured: 0.2 s in a small test process, more in a worker that holds many cases): a step that computes
    little must not fail for it.
    """
    return time.thread_time() - _collector.spent


class LimitExceeded(RuntimeError):
    """A script or expression exceeded an execution limit; the message is German and names the limit."""


# What JSON can hold as an object key (it turns numbers, booleans and None into text).
_JSON_KEYS = (str, int, float, bool, type(None))


class UnstorableValue(LimitExceeded):
    """A script put a value into the task data that the database cannot hold (a set, a date object, NaN, ...).

    Stopped like a limit, at the script, rather than when the step is written: there it would fail the whole
    request without naming the script or the name.
    """


class Budget:
    """The remaining allowance of one step; shared by every evaluation in it."""

    __slots__ = ("limits", "deadline", "steps", "allocated", "elements")

    def __init__(self, limits: Limits):
        self.limits = limits
        # The thread's CPU time, not the wall clock: a busy machine (other requests, other processes) must not
        # fail a step that computes little; an endless loop spends CPU time and still ends at the budget.
        self.deadline = _script_time() + limits.seconds
        self.steps = 0
        self.allocated = 0
        self.elements = 0

    def tick(self) -> bool:
        """Count one step; check the clock every 64 steps. Returns True so it fits into conditions.

        Every 64 rather than every step: reading the clock costs as much as the tick itself, and one step does at
        most a few milliseconds of C work (the size limits see to that), so a budget overshoots by little.
        """
        self.steps += 1
        if not self.steps & 63:
            if self.steps > self.limits.steps:
                raise LimitExceeded(f"Skript hat das Schrittlimit von {self.limits.steps:,} Rechenschritten "
                                    "überschritten (Endlosschleife?)".replace(",", "."))
            self.check_time()
        return True

    def check_time(self) -> None:
        """Raise when the step's CPU-time budget is spent."""
        if _script_time() > self.deadline:
            raise LimitExceeded(f"Skript hat das Zeitlimit von {_seconds(self.limits.seconds)} überschritten "
                                "(Endlosschleife oder zu aufwendige Berechnung?)")

    def pass_element(self) -> None:
        """Count one BPMN element the engine completed; a loop through gateways alone ends here."""
        self.elements += 1
        if self.elements > self.limits.max_engine_steps:
            raise LimitExceeded(f"Der Prozess hat in einem Schritt mehr als {self.limits.max_engine_steps} "
                                "Elemente durchlaufen (Endlosschleife im Ablauf?)")
        self.check_time()

    def charge(self, size: int) -> None:
        """Account for `size` characters or items about to be created."""
        self.allocated += size
        if self.allocated > self.limits.max_alloc:
            raise LimitExceeded(f"Skript hat das Speicherlimit von {self.limits.max_alloc:,} Zeichen bzw. Elementen "
                                "überschritten".replace(",", "."))
        self.check_time()


_current: ContextVar[Budget | None] = ContextVar("integraflow_budget", default=None)


@contextmanager
def step_budget(limits: Limits = DEFAULT_LIMITS):
    """One budget for everything evaluated inside the block; nested blocks share the outer one."""
    active = _current.get()
    if active is not None:
        yield active
        return
    token = _current.set(Budget(limits))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_budget() -> Budget | None:
    """The budget of the step running in this thread, if any."""
    return _current.get()


def estimate_size(value, limit: int, max_depth: int = 100, refuse_nul: bool = False) -> int:
    """Rough size of `value` as text (JSON/repr length); stops counting once `limit` is passed.

    `refuse_nul`: task data to be stored: raise on a NUL character (PostgreSQL cannot store it, also not inside
    JSON) and on what JSON cannot hold (UnstorableValue).
    """
    total = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise LimitExceeded(f"Daten sind tiefer als {max_depth} Ebenen verschachtelt")
        if isinstance(item, str):
            total += len(item) + 2
            if refuse_nul and "\x00" in item:
                raise LimitExceeded("Skript hat ein Nullzeichen (\\x00) in die Daten des Falls geschrieben")
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        elif isinstance(item, dict):
            total += 2
            bad = next((k for k in item if not isinstance(k, _JSON_KEYS)), None) if refuse_nul else None
            if bad is not None:
                raise UnstorableValue(f"ein Wörterbuch mit Schlüsseln vom Typ {type(bad).__name__}")
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            if refuse_nul and not isinstance(item, (list, tuple)):
                raise UnstorableValue(f"einen Wert vom Typ {type(item).__name__}")
            total += 2 + len(item)
            stack.extend((v, depth + 1) for v in item)
        else:
            if refuse_nul and not (item is None or isinstance(item, bool)
                                   or (isinstance(item, float) and math.isfinite(item))):
                raise UnstorableValue(f"den Wert {item!r:.40}" if isinstance(item, float)
                                      else f"einen Wert vom Typ {type(item).__name__}")
            total += 8
        if total > limit:
            return total
    return total


def check_data_size(data: dict, limits: Limits) -> None:
    """Refuse task data larger than the limit (it would be copied into every later task and written to the database)
    or holding what cannot be stored."""
    try:
        size = estimate_size(data, limits.max_data, limits.max_depth, refuse_nul=True)
    except UnstorableValue as exc:
        name = next((key for key, value in data.items() if _unstorable(value, limits)), None)
        raise UnstorableValue(f"Skript hat in „{name}“ {exc} gespeichert; speicherbar sind Text, Zahlen, "
                              "Wahrheitswerte, Listen und Wörterbücher mit Text als Schlüssel (ein Datum als Text: "
                              "datum.isoformat())") from None
    if size > limits.max_data:
        raise LimitExceeded(f"Die Daten des Falls überschreiten das Größenlimit von {limits.max_data:,} Zeichen"
                            .replace(",", "."))


def _unstorable(value, limits: Limits) -> bool:
    try:
        estimate_size(value, limits.max_data, limits.max_depth, refuse_nul=True)
    except UnstorableValue:
        return True
    except LimitExceeded:
        pass  # too big or too deep is told by the size check, not here
    return False


def _seconds(value: float) -> str:
    text = f"{value:g}".replace(".", ",")
    return "1 Sekunde" if value == 1 else f"{text} Sekunden"
