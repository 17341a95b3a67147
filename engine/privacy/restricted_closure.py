"""Closing a case whose consent was withdrawn (Art. 18 GDPR restriction): the process ends there."""
from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import bump_case_version, close_case, require_editor, visible_case
from engine.db import OpenTask, WorkflowState
from engine.errors import Conflict, Forbidden


def close_restricted_case(uow, case_id: str, actor, expected_version: int) -> None:
    """Close a case whose consent was withdrawn: the process ends here, open tasks and timers are dropped."""
    with uow:
        require_editor(actor)
        case = visible_case(uow.session, actor, case_id)
        if case.status != "open":
            raise Forbidden("Der Fall ist bereits abgeschlossen.")
        if not case.processing_restricted:
            raise Forbidden("Ohne Widerruf der Einwilligung wird der Fall über die Aufgabe „Abschluss“ beendet.")
        if not bump_case_version(uow, case.id, expected_version):
            raise Conflict("Der Fall wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
        set_committed_value(case, "version", expected_version + 1)
        uow.session.execute(delete(OpenTask).where(OpenTask.case_id == case.id))
        uow.session.execute(update(WorkflowState).where(WorkflowState.case_id == case.id)
                            .values(next_timer_at=None).execution_options(synchronize_session=False))
        close_case(uow, case, "consent_withdrawn", uow.clock.today(), actor.id)
        uow.commit()
