"""Remembering a failed task completion after its transaction was rolled back, so a supervisor can find it."""
from __future__ import annotations

from sqlalchemy import bindparam, delete, select

from engine.db import OpenTask, Prebuilt, StepFailure

_FAILURES = StepFailure.__table__
_CLEAR = Prebuilt(delete(_FAILURES).where(_FAILURES.c.case_id == bindparam("c")))


def record_step_failure(uow, case_id: str, task_id: str | None, element_id: str | None, message: str,
                        actor_id: int | None) -> None:
    """Store the case's last failure (element, message, time, who) in its own short transaction."""
    with uow:
        row = uow.session.execute(select(OpenTask.title, OpenTask.process_id)
                                  .where(OpenTask.id == task_id)).first() if task_id else None
        uow.session.execute(delete(StepFailure).where(StepFailure.case_id == case_id))
        uow.session.add(StepFailure(case_id=case_id, process_id=row.process_id if row else None, task_id=task_id,
                                    task_title=row.title if row else None, element_id=element_id,
                                    message=message[:2000], failed_at=uow.clock.now(), failed_by=actor_id))
        uow.commit()


def clear_step_failure(uow, case_id: str, conn=None) -> None:
    """Forget the recorded failure: the case took a step successfully (inside that step's transaction; `conn` may
    be the step's DeferredWrites)."""
    # Straight on the connection: through the session it would autoflush whatever the step changed so far.
    _CLEAR(conn if conn is not None else uow.session.connection(), {"c": case_id})
