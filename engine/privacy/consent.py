"""Consent records: the consent task's first record, further consents and (partial) withdrawals.

Withdrawing the client's basic consent restricts processing of the case (see restriction.py); a new consent
lifts the restriction. `Case.consent_scope` always mirrors the client's active purposes; `Case.consent_date`
stays the date of the first consent, which the mandated-step rule "consent before assessment data" checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import insert, select
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import Actor, load_form, record_event, require_editor, visible_case
from engine.db import Case, ConsentRecord, HouseholdMember
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound

PURPOSES = {"basic": "Stammdaten und Beratung", "special_categories": "Besondere Kategorien (z. B. Gesundheit)",
            "share_with_partners": "Weitergabe an Kooperationspartner"}
CONSENT_FORMS = {"written": "schriftlich", "oral": "mündlich", "oral_interpreter": "mündlich mit Dolmetschung",
                 "electronic": "elektronisch"}
BASIC = "basic"
_INSERT_RECORD = insert(ConsentRecord.__table__).returning(ConsentRecord.__table__.c.id)


class ConsentForm(Schema):
    """A further consent: whose, which purposes, when, in which form."""

    class Meta:
        unknown = EXCLUDE

    person = fields.String(load_default="client", validate=validate.Length(max=40))
    purposes = fields.List(fields.String(validate=validate.OneOf(list(PURPOSES), error="Unbekannter Zweck.")),
                           required=True, validate=validate.Length(min=1, error="Bitte mindestens einen Zweck wählen."),
                           error_messages={"required": "Bitte mindestens einen Zweck wählen."})
    given_on = fields.Date(required=True, validate=validate.Range(min=date(1900, 1, 1), max=date(2100, 12, 31),
                                                                  error="Bitte ein Datum zwischen 1900 und 2100."),
                           error_messages={"required": "Bitte das Datum angeben.",
                                                          "invalid": "Bitte ein gültiges Datum."})
    form = fields.String(required=True, validate=validate.OneOf(list(CONSENT_FORMS), error="Bitte die Form wählen."),
                         error_messages={"required": "Bitte die Form wählen."})
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=2000, error="Höchstens 2000 Zeichen."))
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1,
                                                                    error="Das Formular ist unvollständig."),
                             error_messages={"required": "Das Formular ist unvollständig.",
                                             "invalid": "Das Formular ist unvollständig."})


class WithdrawalForm(Schema):
    """A withdrawal of some or all purposes of one consent record."""

    class Meta:
        unknown = EXCLUDE

    purposes = fields.List(fields.String(validate=validate.OneOf(list(PURPOSES), error="Unbekannter Zweck.")),
                           load_default=list)
    withdrawn_on = fields.Date(required=True, validate=validate.Range(min=date(1900, 1, 1), max=date(2100, 12, 31),
                                                                      error="Bitte ein Datum zwischen 1900 und 2100."),
                               error_messages={"required": "Bitte das Datum angeben.",
                                                              "invalid": "Bitte ein gültiges Datum."})
    note = fields.String(load_default=None, allow_none=True,
                         validate=validate.Length(max=2000, error="Höchstens 2000 Zeichen."))
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1,
                                                                    error="Das Formular ist unvollständig."),
                             error_messages={"required": "Das Formular ist unvollständig.",
                                             "invalid": "Das Formular ist unvollständig."})

    @validates_schema
    def _purposes_unique(self, data, **kwargs):
        if len(set(data.get("purposes") or [])) != len(data.get("purposes") or []):
            raise ValidationError("Jeder Zweck nur einmal.", "purposes")


@dataclass(frozen=True)
class ConsentLine:
    """One consent record as the case page lists it."""

    record: ConsentRecord
    person: str
    recorded_by: str | None
    withdrawn_by: str | None


def add_initial_consent(uow, case: Case, data: dict, actor_id: int) -> int | None:
    """The consent task's record (inside the task's transaction); None when consent was refused."""
    if data.get("consent_given") != "yes":
        return None
    # One INSERT on the completion's connection: the ORM flush of a single row costs several times as much, and
    # this runs while the completion holds the case.
    return uow.session.connection().execute(_INSERT_RECORD, dict(
        case_id=case.id, client_id=case.client_id, household_member_id=None,
        purposes=list(data.get("consent_scope") or []), given_on=_date(data.get("consent_date")) or uow.clock.today(),
        form="written" if data.get("consent_document") else "oral", recorded_by=actor_id,
        recorded_at=uow.clock.now())).scalar_one()


def record_consent(uow, case_id: str, raw, actor: Actor) -> int:
    """Record a further consent on the case page (also lifts a restriction when it covers basic processing)."""
    data = load_form(ConsentForm(), raw)
    with uow:
        case = _case_for_consent(uow, actor, case_id, data["version"])
        if case.consent_date is None and not case.processing_restricted:
            raise Forbidden("Die erste Einwilligung wird mit der Aufgabe „Einwilligung einholen“ dokumentiert.")
        if data["given_on"] > uow.clock.today():
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"given_on": "Das Datum darf nicht in der Zukunft liegen."}, dict(raw))
        member_id = _member(uow, case, data["person"], raw)
        record = ConsentRecord(case_id=case.id, client_id=case.client_id, household_member_id=member_id,
                               purposes=sorted(set(data["purposes"])), given_on=data["given_on"], form=data["form"],
                               note=(data.get("note") or "").strip() or None, recorded_by=actor.id,
                               recorded_at=uow.clock.now())
        uow.session.add(record)
        uow.session.flush()
        restricted = _refresh_case(uow, case)
        record_event(uow, "consent_recorded", actor.id, case.id, record_id=record.id, given=True,
                     person="household_member" if member_id else "client", scope=record.purposes,
                     form=record.form, date=record.given_on.isoformat(), restricted=restricted)
        uow.commit()
        return record.id


def withdraw_consent(uow, case_id: str, record_id: int, raw, actor: Actor) -> bool:
    """Withdraw some or all purposes of a consent; returns whether processing of the case is now restricted."""
    data = load_form(WithdrawalForm(), raw)
    with uow:
        case = _case_for_consent(uow, actor, case_id, data["version"])
        record = uow.session.get(ConsentRecord, record_id)
        if record is None or record.case_id != case.id:
            raise NotFound("Die Einwilligung wurde nicht gefunden.")
        active = record.active_purposes
        if not active:
            raise InvalidInput("Diese Einwilligung ist bereits vollständig widerrufen.")
        purposes = data["purposes"] or active
        if not set(purposes) <= set(active):
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"purposes": "Nur Zwecke, die noch gelten, können widerrufen werden."}, dict(raw))
        if data["withdrawn_on"] > uow.clock.today() or data["withdrawn_on"] < record.given_on:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"withdrawn_on": "Das Datum muss zwischen Erteilung und heute liegen."}, dict(raw))
        record.withdrawn_purposes = sorted(set(record.withdrawn_purposes or []) | set(purposes))
        record.withdrawn_on, record.withdrawn_by = data["withdrawn_on"], actor.id
        note = (data.get("note") or "").strip()
        if note:
            record.withdrawal_note = note
        restricted = _refresh_case(uow, case)
        record_event(uow, "consent_withdrawn", actor.id, case.id, record_id=record.id, purposes=sorted(purposes),
                     complete=not record.active_purposes, date=data["withdrawn_on"].isoformat(), restricted=restricted)
        uow.commit()
        return restricted


def consent_lines(uow, case: Case, users: dict[int, str]) -> list[ConsentLine]:
    """The case's consent records, newest first, with person and staff names."""
    records = list(uow.session.execute(select(ConsentRecord).where(ConsentRecord.case_id == case.id)
                                       .order_by(ConsentRecord.given_on.desc(), ConsentRecord.id.desc())).scalars())
    members = {m.id: m.name for m in case.client.household}
    client = f"{case.client.first_name} {case.client.last_name}"
    return [ConsentLine(r, members.get(r.household_member_id, "–") if r.household_member_id else client,
                        users.get(r.recorded_by), users.get(r.withdrawn_by)) for r in records]


def _case_for_consent(uow, actor: Actor, case_id: str, version: int) -> Case:
    from engine.base import bump_case_version  # here: tasks imports plan_effects, which imports this module

    require_editor(actor)
    case = visible_case(uow.session, actor, case_id)
    if case.status != "open":
        raise Forbidden("Der Fall ist abgeschlossen; Einwilligungen können nicht mehr geändert werden.")
    if not bump_case_version(uow, case.id, version):
        raise _stale()
    set_committed_value(case, "version", version + 1)
    return case


def _stale() -> Conflict:
    return Conflict("Der Fall wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")


def _member(uow, case: Case, person: str, raw) -> int | None:
    if person in ("", "client"):
        return None
    member = uow.session.get(HouseholdMember, int(person)) if person.isdigit() else None
    if member is None or member.client_id != case.client_id:
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                           {"person": "Diese Person gehört nicht zum Haushalt."}, dict(raw))
    return member.id


def _refresh_case(uow, case: Case) -> bool:
    """Mirror the client's active purposes on the case; restricted exactly when no basic consent is active."""
    records = uow.session.execute(select(ConsentRecord).where(ConsentRecord.case_id == case.id,
                                                              ConsentRecord.household_member_id.is_(None))).scalars()
    active = sorted({p for r in records for p in r.active_purposes})
    case.consent_scope = active
    case.processing_restricted = BASIC not in active
    if not case.processing_restricted and case.consent_date is None:
        case.consent_date = uow.clock.today()
    return case.processing_restricted


def _date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
