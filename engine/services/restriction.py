"""Restriction of processing after a consent withdrawal: which writes stay possible, and the refusal."""
from __future__ import annotations

from engine.errors import Forbidden

RESTRICTED_MESSAGE = ("Die Einwilligung wurde widerrufen: Die Verarbeitung dieses Falls ist eingeschränkt. "
                      "Möglich sind nur eine neue Einwilligung, die Berichtigung von Personendaten, die Auskunft "
                      "und der Abschluss des Falls.")


def ensure_processing_allowed(case) -> None:
    """Refuse any further processing of a case whose consent was withdrawn."""
    if case.processing_restricted:
        raise Forbidden(RESTRICTED_MESSAGE)


def close_restricted_case(uow, case_id: str, actor, expected_version: int) -> None:
    """Close a case whose consent was withdrawn: the process ends here, open tasks and timers are dropped."""
    # Imported here, not at the top: tasks.py and plan_effects.py import this module themselves.
    from sqlalchemy import delete, update
    from sqlalchemy.orm.attributes import set_committed_value

    from engine.db import OpenTask, WorkflowState
    from engine.errors import Conflict

    from .access import require_editor, visible_case
    from .plan_effects import close_case
    from .tasks import bump_case_version

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
