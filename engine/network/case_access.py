"""The case a referral or appointment is written to: the same checks as contacts and notes."""
from __future__ import annotations

from engine.base import Actor, ensure_processing_allowed, require_editor, visible_case
from engine.errors import Forbidden


def editable_case(uow, actor: Actor, case_id: str):
    """An open case of the actor's reach, consent recorded and not withdrawn; else Forbidden/NotFound.

    `visible_case` leaves out cases handed to another organisation, so writes in the read-only period after a
    handover are refused as for every other case write.
    """
    require_editor(actor)
    case = visible_case(uow.session, actor, case_id)
    ensure_processing_allowed(case)
    if case.status != "open":
        raise Forbidden("Der Fall ist abgeschlossen; Vermittlungen und Termine können nicht mehr ergänzt werden.")
    if case.consent_date is None:
        raise Forbidden("Ohne dokumentierte Einwilligung dürfen keine Vermittlungen oder Termine gespeichert werden.")
    return case
