"""Compliance's filter by decision outcome: cases whose latest evaluation of a table had a given outcome."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.db import Case, DecisionOutcome


def outcome_choices(session) -> list[tuple[str, str, str]]:
    """(decision key, table name, outcome) pairs that occurred, for the filter's choices."""
    rows = session.execute(select(DecisionOutcome.decision_key, func.max(DecisionOutcome.decision_name),
                                  DecisionOutcome.outcome)
                           .group_by(DecisionOutcome.decision_key, DecisionOutcome.outcome)
                           .order_by(DecisionOutcome.decision_key, DecisionOutcome.outcome)).all()
    return [(key, name, outcome) for key, name, outcome in rows]


def cases_with_outcome(key: str, outcome: str):
    """A subquery of case ids whose latest evaluation of table `key` had `outcome` (indexed, no workflow read)."""
    latest = (select(DecisionOutcome.case_id, func.max(DecisionOutcome.id).label("last_id"))
              .where(DecisionOutcome.decision_key == key).group_by(DecisionOutcome.case_id).subquery())
    return (select(Case.id).join(latest, latest.c.case_id == Case.id)
            .join(DecisionOutcome, DecisionOutcome.id == latest.c.last_id)
            .where(DecisionOutcome.outcome == outcome))
