"""Recording what a step's decision tables decided: one audit event per evaluation plus its indexed outcome row."""
from __future__ import annotations

from sqlalchemy import insert

from engine.base import record_event
from engine.db import DecisionOutcome, Prebuilt
from engine.workflow import Evaluation

from .explain import explanation_of, outcome_of

# A review step evaluates a table every time: written without the ORM flush (see engine.db.prebuilt).
_INSERT_OUTCOMES = Prebuilt(insert(DecisionOutcome.__table__))


def record_decisions(uow, case_id: str, process_id: str | None, evaluations: list[Evaluation], conn=None) -> None:
    """Write each evaluation as a chained `decision_evaluated` event and an outcome row, in the caller's transaction.

    With `conn` (the case row exists already) the outcome rows are inserted right away; without, they are added
    to the session and flushed after the case they belong to.
    """
    now, rows = uow.clock.now(), []
    for evaluation in evaluations:
        payload = evaluation.as_payload()
        record_event(uow, "decision_evaluated", None, case_id, process_id=process_id, **payload)
        rows.append(dict(case_id=case_id, process_id=process_id, decision_key=evaluation.key,
                         decision_name=evaluation.name[:200], decision_version=evaluation.version,
                         rules=payload["rules"], outputs=payload["outputs"], outcome=outcome_of(payload)[:200],
                         explanation=explanation_of(payload), evaluated_at=now))
    if not rows:
        return
    if conn is not None:
        _INSERT_OUTCOMES(conn, rows)
    else:
        uow.session.add_all(DecisionOutcome(**row) for row in rows)
