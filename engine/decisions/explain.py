"""German explanations of decisions: "Förderfähigkeit: Regel 3 der Tabelle Förderfähigkeit v2: förderfähig, weil …".

A table names its explanation by convention: the output whose name ends in `reason` (label „Begründung“); the
first output is the outcome compliance filters by.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.db import DecisionOutcome


@dataclass(frozen=True)
class CaseDecision:
    """The latest evaluation of one table for a case, as the case page explains it."""

    key: str
    name: str
    version: int | None
    rules: list[int]
    outcome: str
    explanation: str
    evaluated_at: datetime
    text: str


def outcome_of(payload: dict) -> str:
    """The evaluation's main result as short text: its first output (several matches joined)."""
    outputs = payload.get("outputs") or {}
    if not outputs:
        return ""
    return _text(next(iter(outputs.values())))


def explanation_of(payload: dict) -> str:
    """The table's own explanation output, else every output as "name: value"."""
    outputs = payload.get("outputs") or {}
    reasons = [value for name, value in outputs.items() if str(name).endswith("reason")]
    if reasons:
        return "; ".join(_text(v) for v in reasons)
    return "; ".join(f"{name}: {_text(value)}" for name, value in outputs.items())


def explain(name: str, version: int | None, rules: list[int], explanation: str) -> str:
    """One German sentence naming the matched rule(s), the table and its version."""
    if not rules:
        which = "Keine Regel"
    elif len(rules) == 1:
        which = f"Regel {rules[0]}"
    else:
        which = "Regeln " + ", ".join(str(r) for r in rules)
    suffix = f" v{version}" if version is not None else ""
    return f"{name}: {which} der Tabelle {name}{suffix}: {explanation}"


def case_decisions(session, case_id: str) -> list[CaseDecision]:
    """The latest evaluation of each decision table for a case (reads the indexed outcome rows only)."""
    rows = session.execute(select(DecisionOutcome).where(DecisionOutcome.case_id == case_id)
                           .order_by(DecisionOutcome.evaluated_at.desc(), DecisionOutcome.id.desc())
                           .limit(50)).scalars()
    latest: dict[str, CaseDecision] = {}
    for row in rows:
        if row.decision_key in latest:
            continue
        numbers = [r.get("number") for r in row.rules or [] if isinstance(r, dict)]
        latest[row.decision_key] = CaseDecision(
            row.decision_key, row.decision_name, row.decision_version, numbers, row.outcome, row.explanation,
            row.evaluated_at, explain(row.decision_name, row.decision_version, numbers, row.explanation))
    return sorted(latest.values(), key=lambda d: d.name)


def _text(value) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)
