"""Rectification (Art. 16 GDPR): correcting a client's personal data with a reason, audited before → after."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import Actor, bump_case_version, load_form, record_event, require_editor, visible_case
from engine.db import Case, Client
from engine.errors import Conflict, Forbidden, InvalidInput

# Client columns a rectification may correct, with their German labels (the page's order).
FIELDS = {"first_name": "Vorname", "last_name": "Nachname", "birth_date": "Geburtsdatum", "gender": "Geschlecht",
          "nationality": "Staatsangehörigkeit", "languages": "Sprachen", "interpreter_language": "Dolmetschsprache",
          "phone": "Telefon", "email": "E-Mail", "accommodation_address": "Unterkunft (Adresse)",
          "residence_status": "Aufenthaltsstatus", "residence_status_evidence": "Nachweis des Aufenthaltsstatus"}
# The longest text each field takes (its column's size), also the browser's `maxlength`.
MAX_LENGTHS = {key: Client.__table__.c[key].type.length for key in FIELDS
               if getattr(Client.__table__.c[key].type, "length", None)}
# Keys of the data_rectified payload that hold personal data; anonymisation blanks them.
REDACTABLE = ["changes", "reason"]


def _text(limit: int, required: bool = False):
    extra = {} if required else {"load_default": None}
    return fields.String(required=required, allow_none=not required, **extra,
                         validate=validate.Length(min=1 if required else 0, max=limit,
                                                  error=f"Höchstens {limit} Zeichen." if not required else
                                                  f"Pflichtangabe, höchstens {limit} Zeichen."),
                         error_messages={"required": "Pflichtangabe.", "null": "Pflichtangabe."})


class RectificationForm(Schema):
    """The corrected values, the reason and the case version the form was opened at."""

    class Meta:
        unknown = EXCLUDE

    first_name = _text(100, required=True)
    last_name = _text(100, required=True)
    birth_date = fields.Date(load_default=None, allow_none=True,
                             validate=validate.Range(min=date(1900, 1, 1), max=date(2100, 12, 31),
                                                     error="Bitte ein Datum zwischen 1900 und 2100."),
                             error_messages={"invalid": "Bitte ein gültiges Datum (JJJJ-MM-TT)."})
    gender = _text(20)
    nationality = _text(100)
    languages = _text(200)
    interpreter_language = _text(100)
    phone = _text(50)
    email = fields.Email(load_default=None, allow_none=True,
                         error_messages={"invalid": "Bitte eine gültige E-Mail-Adresse."})
    accommodation_address = _text(300)
    residence_status = _text(50, required=True)
    residence_status_evidence = _text(300)
    reason = fields.String(required=True, validate=validate.Length(min=5, max=1000,
                                                                   error="Bitte begründen Sie die Berichtigung "
                                                                         "(5 bis 1000 Zeichen)."),
                           error_messages={"required": "Bitte begründen Sie die Berichtigung."})
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1,
                                                                    error="Das Formular ist unvollständig."),
                             error_messages={"required": "Das Formular ist unvollständig.",
                                                           "invalid": "Das Formular ist unvollständig."})


@dataclass(frozen=True)
class Rectified:
    """What changed (field names), for the confirmation message."""

    fields: list[str]


def choices(uow) -> dict[str, list[tuple[str, str]]]:
    """The select fields' options, taken from the intake form so both stay in step."""
    form = uow.forms.get("intake")
    return {f.key: [(o.value, o.label) for o in f.values] for f in form.walk()
            if f.key in ("gender", "residence_status") and f.values}


def rectify_client(uow, case_id: str, raw, actor: Actor) -> Rectified:
    """Correct the client's personal data; one `data_rectified` event with before → after per changed field."""
    # Text areas send CRLF; stored text uses LF, so an untouched address does not count as changed.
    cleaned = {k: (v.replace("\r\n", "\n").strip() if isinstance(v, str) else v) for k, v in _items(raw)}
    cleaned = {k: (None if v == "" and k not in ("first_name", "last_name", "reason") else v)
               for k, v in cleaned.items()}
    data = load_form(RectificationForm(), cleaned)
    with uow:
        require_editor(actor)
        case = visible_case(uow.session, actor, case_id)
        if case.anonymised_at is not None:
            raise Forbidden("Der Fall ist anonymisiert; es gibt keine Personendaten mehr zu berichtigen.")
        errors = {k: "Ungültige Auswahl." for k, opts in choices(uow).items()
                  if data.get(k) is not None and data[k] not in {v for v, _ in opts}}
        if data.get("birth_date") and data["birth_date"] > uow.clock.today():
            errors["birth_date"] = "Das Geburtsdatum darf nicht in der Zukunft liegen."
        if errors:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", errors, cleaned)
        if not bump_case_version(uow, case.id, data["version"]):
            raise Conflict("Der Fall wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind noch da – "
                           "bitte prüfen und erneut absenden.")
        set_committed_value(case, "version", data["version"] + 1)
        client: Client = case.client
        changes = {}
        for key in FIELDS:
            before, after = getattr(client, key), data.get(key)
            if before != after:
                changes[key] = {"from": _json(before), "to": _json(after)}
                setattr(client, key, after)
        if not changes:
            raise InvalidInput("Es wurde nichts geändert.", {}, cleaned)
        record_event(uow, "data_rectified", actor.id, case.id, client_id=client.id, fields=sorted(changes),
                     changes=changes, reason=data["reason"], redactable=REDACTABLE)
        uow.commit()
        return Rectified(sorted(changes))


def current_values(case: Case) -> dict:
    """The client's values for prefilling the form."""
    client = case.client
    return {k: (getattr(client, k).isoformat() if isinstance(getattr(client, k), date) else getattr(client, k) or "")
            for k in FIELDS}


def _items(raw):
    return raw.items() if not hasattr(raw, "getlist") else ((k, raw.get(k)) for k in raw.keys())


def _json(value):
    return value.isoformat() if isinstance(value, date) else value
