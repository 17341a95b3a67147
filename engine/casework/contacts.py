"""Contacts and notes: logged beside the workflow so a long history never slows task completion."""
from __future__ import annotations

from datetime import date

from engine.base import Actor, ensure_processing_allowed, record_event, require_editor, visible_case
from engine.db import Contact, Note
from engine.errors import Forbidden, InvalidInput
from engine.forms import parse_submission

from .form_options import form_for


def _editable_case(uow, actor: Actor, case_id: str):
    require_editor(actor)
    case = visible_case(uow.session, actor, case_id)
    ensure_processing_allowed(case)
    if case.status != "open":
        raise Forbidden("Der Fall ist abgeschlossen; Kontakte und Notizen können nicht mehr ergänzt werden.")
    if case.consent_date is None:
        raise Forbidden("Ohne dokumentierte Einwilligung dürfen keine Kontakte oder Notizen gespeichert werden.")
    return case


def log_contact(uow, case_id: str, raw, actor: Actor) -> int:
    """Record a contact/counselling session (date, kind, duration, topics, interpreter)."""
    with uow:
        case = _editable_case(uow, actor, case_id)
        result = parse_submission(form_for(uow, "contact"), raw, uow.clock.today())
        if not result.ok:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", result.errors, result.values)
        data = result.data
        occurred = date.fromisoformat(data["occurred_on"])
        if occurred > uow.clock.today():
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"occurred_on": "Das Datum darf nicht in der Zukunft liegen."}, result.values)
        contact = Contact(case_id=case.id, occurred_on=occurred, kind=data["kind"],
                          duration_minutes=int(data["duration_minutes"]), topics=list(data.get("topics") or []),
                          interpreter_used=bool(data.get("interpreter_used")), summary=data.get("summary"),
                          recorded_by=actor.id, recorded_at=uow.clock.now())
        uow.session.add(contact)
        uow.session.flush()
        record_event(uow, "contact_logged", actor.id, case.id, contact_id=contact.id, contact_kind=contact.kind,
                     occurred_on=data["occurred_on"], duration_minutes=contact.duration_minutes)
        uow.commit()
        return contact.id


def add_note(uow, case_id: str, text: str, actor: Actor) -> int:
    """Add a free-text note to a case."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Bitte geben Sie einen Text ein.", {"text": "Bitte geben Sie einen Text ein."})
    if len(text) > 5000:
        raise InvalidInput("Die Notiz ist zu lang.", {"text": "Höchstens 5000 Zeichen."}, {"text": text})
    with uow:
        case = _editable_case(uow, actor, case_id)
        note = Note(case_id=case.id, text=text, author_id=actor.id, created_at=uow.clock.now())
        uow.session.add(note)
        uow.session.flush()
        record_event(uow, "note_added", actor.id, case.id, note_id=note.id)
        uow.commit()
        return note.id
