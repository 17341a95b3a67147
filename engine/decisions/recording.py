"""Recording what a step's decision tables decided: one audit event per evaluation plus its indexed outcome row."""
from __future__ import annotations

from engine.base import record_event
from engine.db import DecisionOutcome
from engine.workflow import Evaluation

from .explain import explanation_of, outcome_of


def record_decisions(uow, case_id: str, process_id: str | None, evaluations: list[Evaluation]) -> None:
    """Write each evaluation as a chained `decision_evaluated` event and an outcome row, in the caller's transaction."""
    now = uow.clock.now()
    for evaluation in evaluations:
        payload = evaluation.as_payload()
        record_event(uow, "decision_evaluated", None, case_id, process_id=process_id, **payload)
        uow.session.add(DecisionOutcome(
            case_id=case_id, process_id=process_id, decision_key=evaluation.key,
            decision_name=evaluation.name[:200], decision_version=evaluation.version, rules=payload["rules"],
            outputs=payload["outputs"], outcome=outcome_of(payload)[:200], explanation=explanation_of(payload),
            evaluated_at=now))
