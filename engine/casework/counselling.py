"""Extending a client's counselling period in a justified individual case, with the written reason recorded."""
from __future__ import annotations

from datetime import date

from engine.base import Actor, ensure_processing_allowed, load_deadlines, record_event, visible_case
from engine.errors import Forbidden, InvalidInput
from engine.workflow import add_duration


def extend_counselling(uow, case_id: str, reason: str, actor: Actor) -> date:
    """Team lead extends the counselling period to the extended maximum; returns the new end date."""
    reason = (reason or "").strip()
    with uow:
        if not actor.is_supervisor:
            raise Forbidden("Nur die Teamleitung kann den Beratungszeitraum verlängern.")
        case = visible_case(uow.session, actor, case_id)
        ensure_processing_allowed(case)
        if case.status != "open":
            raise Forbidden("Der Fall ist abgeschlossen; der Beratungszeitraum kann nicht mehr verlängert werden.")
        if len(reason) < 10 or len(reason) > 2000:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"reason": "Bitte begründen Sie die Verlängerung schriftlich (10 bis 2000 Zeichen)."},
                               {"reason": reason})
        start = case.client.counselling_start or case.intake_date
        end = date.fromisoformat(add_duration(start, load_deadlines(uow.session)["counselling_max_extended"]))
        if case.counselling_end is not None and case.counselling_end >= end:
            raise InvalidInput("Der Beratungszeitraum ist bereits verlängert.",
                               {"reason": f"Er endet bereits am {case.counselling_end:%d.%m.%Y}."}, {"reason": reason})
        before = case.counselling_end
        case.counselling_end = end
        record_event(uow, "counselling_extended", actor.id, case.id, reason=reason, before=_iso(before),
                     after=end.isoformat())
        uow.commit()
        return end


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
