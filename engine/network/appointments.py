"""Counselling appointments on a case: set, reschedule, cancel (Berlin local date and time)."""
from __future__ import annotations

from collections.abc import Mapping

from engine.base import Actor, load_form, record_event
from engine.db import Appointment
from engine.errors import Forbidden, InvalidInput, NotFound

from .case_access import editable_case
from .schemas import AppointmentForm

_FIX = "Bitte korrigieren Sie die markierten Felder."
_FIELDS = ("day", "start_time", "duration_minutes", "home_visit", "place", "interpreter_needed",
           "interpreter_language", "note")


def _valid(uow, raw: Mapping) -> dict:
    data = load_form(AppointmentForm(), raw)
    if data["day"] < uow.clock.today():
        raise InvalidInput(_FIX, {"day": "Ein Termin kann nicht in der Vergangenheit liegen."}, dict(raw))
    if data["home_visit"] and not data["place"]:
        data["place"] = None
    if not data["interpreter_needed"]:
        data["interpreter_language"] = None
    return data


def _payload(appointment: Appointment) -> dict:
    # No place or note in the event log: a home visit's address is personal data.
    return {"appointment_id": appointment.id, "day": appointment.day.isoformat(),
            "start_time": appointment.start_time.strftime("%H:%M"), "duration_minutes": appointment.duration_minutes,
            "home_visit": appointment.home_visit, "interpreter_needed": appointment.interpreter_needed}


def set_appointment(uow, case_id: str, raw: Mapping, actor: Actor) -> str:
    """Arrange a counselling appointment on the case; the person arranging it holds it in their week."""
    data = _valid(uow, raw)
    with uow:
        case = editable_case(uow, actor, case_id)
        now = uow.clock.now()
        appointment = Appointment(case_id=case.id, caseworker_id=actor.id, status="planned", sequence=0,
                                  created_by=actor.id, created_at=now, updated_at=now, **data)
        uow.session.add(appointment)
        uow.session.flush()
        record_event(uow, "appointment_set", actor.id, case.id, **_payload(appointment))
        uow.commit()
        return appointment.id


def _planned(uow, case, appointment_id: str) -> Appointment:
    appointment = uow.session.get(Appointment, appointment_id) if len(appointment_id or "") <= 36 else None
    if appointment is None or appointment.case_id != case.id:
        raise NotFound("Der Termin wurde nicht gefunden.")
    if appointment.status == "cancelled":
        raise Forbidden("Der Termin ist bereits abgesagt.")
    return appointment


def reschedule_appointment(uow, case_id: str, appointment_id: str, raw: Mapping, actor: Actor) -> None:
    """Move an appointment (new date, time, place …); calendars get it as a changed entry."""
    data = _valid(uow, raw)
    with uow:
        case = editable_case(uow, actor, case_id)
        appointment = _planned(uow, case, appointment_id)
        for key in _FIELDS:
            setattr(appointment, key, data[key])
        appointment.sequence += 1
        appointment.updated_at = uow.clock.now()
        record_event(uow, "appointment_rescheduled", actor.id, case.id, **_payload(appointment))
        uow.commit()


def cancel_appointment(uow, case_id: str, appointment_id: str, actor: Actor) -> None:
    """Cancel an appointment; it stays on the case page and in calendars as cancelled."""
    with uow:
        case = editable_case(uow, actor, case_id)
        appointment = _planned(uow, case, appointment_id)
        appointment.status = "cancelled"
        appointment.sequence += 1
        appointment.updated_at = uow.clock.now()
        record_event(uow, "appointment_cancelled", actor.id, case.id, **_payload(appointment))
        uow.commit()
