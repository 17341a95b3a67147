"""Funded positions (Vollzeitäquivalente) per organisation, municipality and funding period, as the state granted.

Entered by the district (compliance, administration); one entry per organisation, municipality and first day of
the period — entering the same again corrects it. Every entry is an audit event.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from engine.base import DISTRICT_WIDE, Actor, record_event
from engine.db import FundedPosition, Municipality, Organisation
from engine.errors import Forbidden, InvalidInput

from .params import FIRST_YEAR

MAX_PERIOD_DAYS = 5 * 366
POSITION_ROLES = DISTRICT_WIDE
_MAX_ID = 2**31 - 1
_DATE = {"invalid": "Bitte ein Datum angeben.", "required": "Bitte ein Datum angeben."}


class PositionForm(Schema):
    """One grant: organisation, municipality, period from–to, full-time equivalents, optional note."""

    class Meta:
        unknown = EXCLUDE

    organisation_id = fields.Integer(data_key="organisation", required=True, validate=validate.Range(
        min=1, max=_MAX_ID, error="Bitte eine Organisation wählen."), error_messages={
        "required": "Bitte eine Organisation wählen.", "invalid": "Bitte eine Organisation wählen."})
    municipality_id = fields.Integer(data_key="municipality", required=True, validate=validate.Range(
        min=1, max=_MAX_ID, error="Bitte eine Kommune wählen."), error_messages={
        "required": "Bitte eine Kommune wählen.", "invalid": "Bitte eine Kommune wählen."})
    period_start = fields.Date(data_key="von", required=True, error_messages=_DATE)
    period_end = fields.Date(data_key="bis", required=True, error_messages=_DATE)
    fte = fields.Decimal(data_key="vzae", required=True, places=2, error_messages={
        "required": "Bitte die Vollzeitäquivalente angeben.", "invalid": "Bitte eine Zahl angeben, z. B. 1,5.",
        "special": "Bitte eine Zahl angeben, z. B. 1,5."},
        validate=validate.Range(min=Decimal("0.01"), max=Decimal("99.99"),
                                error="Bitte eine Zahl zwischen 0,01 und 99,99 angeben."))
    note = fields.String(load_default=None, validate=validate.Length(max=300, error="Höchstens 300 Zeichen."))

    @validates_schema
    def _period(self, data, **_kwargs):
        start, end = data.get("period_start"), data.get("period_end")
        if start and end:
            if end < start:
                raise ValidationError("Das Ende liegt vor dem Beginn.", "bis")
            if (end - start).days > MAX_PERIOD_DAYS:
                raise ValidationError("Ein Förderzeitraum umfasst höchstens fünf Jahre.", "bis")
            if start.year < FIRST_YEAR:
                raise ValidationError(f"Der Beginn liegt vor {FIRST_YEAR}.", "von")


@dataclass(frozen=True)
class PositionEntry:
    """A recorded grant with its names, for lists and the report."""

    id: int
    organisation_id: int
    organisation: str
    municipality_id: int
    municipality: str
    period_start: date
    period_end: date
    fte: Decimal
    note: str | None


def parse_position(raw: Mapping) -> dict:
    """Validate a position form (German decimal comma accepted); German InvalidInput on errors."""
    cleaned = {k: v.strip() if isinstance(v, str) else v for k, v in raw.items() if v not in ("", None)}
    if isinstance(cleaned.get("vzae"), str):
        cleaned["vzae"] = cleaned["vzae"].replace(",", ".")
    try:
        return PositionForm().load(cleaned)
    except ValidationError as exc:
        errors = {k: v[0] if isinstance(v, list) else str(v) for k, v in exc.messages.items()}
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder: " + " ".join(errors.values()), errors,
                           dict(raw)) from exc


def record_funded_position(uow, actor: Actor, raw: Mapping) -> PositionEntry:
    """Record (or correct) the positions granted to an organisation for a municipality and period (audited)."""
    if actor.role not in POSITION_ROLES:
        raise Forbidden("Geförderte Stellen erfassen Fachaufsicht und Administration.")
    data = parse_position(raw)
    with uow:
        s = uow.session
        if s.get(Organisation, data["organisation_id"]) is None:
            raise InvalidInput("Die Organisation ist ungültig.", {"organisation": "Die Organisation ist ungültig."})
        if s.get(Municipality, data["municipality_id"]) is None:
            raise InvalidInput("Die Kommune ist ungültig.", {"municipality": "Die Kommune ist ungültig."})
        row = s.execute(select(FundedPosition).where(
            FundedPosition.organisation_id == data["organisation_id"],
            FundedPosition.municipality_id == data["municipality_id"],
            FundedPosition.period_start == data["period_start"])).scalar_one_or_none()
        previous = str(row.fte) if row else None
        if row is None:
            row = FundedPosition(organisation_id=data["organisation_id"], municipality_id=data["municipality_id"],
                                 period_start=data["period_start"])
            s.add(row)
        row.period_end, row.fte, row.note = data["period_end"], data["fte"], data.get("note")
        row.recorded_at, row.recorded_by = uow.clock.now(), actor.id
        s.flush()
        record_event(uow, "funded_positions_set", actor.id, None, position_id=row.id,
                     organisation_id=row.organisation_id, municipality_id=row.municipality_id,
                     period_start=row.period_start.isoformat(), period_end=row.period_end.isoformat(),
                     fte=str(row.fte), previous_fte=previous)
        uow.commit()
        return _entries(s, select(FundedPosition).where(FundedPosition.id == row.id))[0]


def funded_positions(session, actor: Actor, start: date | None = None, end: date | None = None,
                     organisation_id: int | None = None, municipality_id: int | None = None) -> list[PositionEntry]:
    """Grants the actor may see (team leads: their organisation's), optionally those overlapping start–end."""
    stmt = select(FundedPosition)
    if actor.role not in DISTRICT_WIDE:
        stmt = stmt.where(FundedPosition.organisation_id == actor.organisation_id)
    if start and end:
        stmt = stmt.where(FundedPosition.period_start <= end, FundedPosition.period_end >= start)
    if organisation_id:
        stmt = stmt.where(FundedPosition.organisation_id == organisation_id)
    if municipality_id:
        stmt = stmt.where(FundedPosition.municipality_id == municipality_id)
    return _entries(session, stmt)


def _entries(session, stmt) -> list[PositionEntry]:
    orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    munis = dict(session.execute(select(Municipality.id, Municipality.name)).all())
    rows = [PositionEntry(p.id, p.organisation_id, orgs.get(p.organisation_id, "?"), p.municipality_id,
                          munis.get(p.municipality_id, "?"), p.period_start, p.period_end, p.fte, p.note)
            for p in session.execute(stmt).scalars()]
    return sorted(rows, key=lambda e: (e.period_start, e.organisation.casefold(), e.municipality.casefold()))
