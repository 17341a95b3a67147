"""„Testen“ a decision table: the fields it reads, typed values from a form or the command line, one evaluation."""
from __future__ import annotations

import json
from datetime import date

from engine.base import DEFAULT_DEADLINES
from engine.workflow import DecisionError, Evaluation, evaluate_decision, parse_decision, table_reads

# Provided by the runtime to every table; a test fills them in unless the person gives a value.
RUNTIME_NAMES = ("deadlines",)


def test_fields(xml: str) -> list[str]:
    """The data names a table reads (its input and output expressions), in table order, for the test form."""
    try:
        return [name for name in table_reads(parse_decision(xml)) if name not in RUNTIME_NAMES]
    except DecisionError:
        return []


def parse_test_value(raw: str | None):
    """A typed value: numbers, true/false, null/leer and JSON lists stay typed; everything else is text."""
    text = (raw or "").strip()
    if text == "" or text.lower() in ("null", "none"):
        return None
    if text.lower() in ("true", "false", "ja", "nein"):
        return text.lower() in ("true", "ja")
    try:
        value = json.loads(text)
    except ValueError:
        return raw
    return value if isinstance(value, (int, float, list)) else raw


def run_test(xml: str, raw_values: dict[str, str], today: date) -> Evaluation:
    """Evaluate a (possibly undeployed) table against test values, as the runtime would for a case today."""
    values = {"deadlines": dict(DEFAULT_DEADLINES), "intake_date": today.isoformat()}
    values.update({name: parse_test_value(raw) for name, raw in raw_values.items()
                   if name.isidentifier() and not name.startswith("_")})
    return evaluate_decision(parse_decision(xml), values)
