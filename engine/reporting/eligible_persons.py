"""Eligible persons per municipality and period: the coverage denominator, entered by compliance or admin."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import select

from engine.base import DISTRICT_WIDE, Actor, record_event
from engine.db import EligiblePersons, Municipality, User
from engine.errors import Forbidden, InvalidInput

from .params import FIRST_YEAR, ReportParams


class EligiblePersonsForm(Schema):
    """The entry form: municipality, year, quarter (0 = whole year) and the number of persons."""

    class Meta:
        unknown = EXCLUDE

    municipality_id = fields.Integer(data_key="municipality", required=True,
                                     error_messages={"required": "Bitte wählen Sie eine Kommune.",
                                                     "invalid": "Die Kommune ist ungültig."})
    year = fields.Integer(required=True, error_messages={"required": "Bitte geben Sie das Jahr an.",
                                                         "invalid": "Das Jahr ist ungültig."})
    quarter = fields.Integer(load_default=0, error_messages={"invalid": "Das Quartal ist ungültig."},
                             validate=validate.Range(min=0, max=4, error="Das Quartal ist ungültig."))
    persons = fields.Integer(required=True, error_messages={"required": "Bitte geben Sie die Anzahl an.",
                                                            "invalid": "Bitte geben Sie eine ganze Zahl an."},
                             validate=validate.Range(min=0, max=1_000_000,
                                                     error="Die Anzahl muss zwischen 0 und 1.000.000 liegen."))


@dataclass(frozen=True)
class EligibleEntry:
    """One recorded figure, for the list under the entry form."""

    municipality: str
    year: int
    quarter: int
    persons: int
    recorded_at: datetime
    recorded_by: str


def record_eligible_persons(uow, actor: Actor, raw: Mapping) -> EligibleEntry:
    """Store a (new or corrected) figure; earlier figures stay for reports with an earlier as-of time."""
    if actor.role not in DISTRICT_WIDE:
        raise Forbidden("Förderberechtigte Personen tragen die Fachaufsicht und die Administration ein.")
    try:
        data = EligiblePersonsForm().load({k: v for k, v in raw.items() if v not in ("", None)})
    except ValidationError as err:
        errors = {k: v[0] if isinstance(v, list) else str(v) for k, v in err.messages.items()}
        raise InvalidInput("Bitte korrigieren Sie die Angaben: " + " ".join(errors[k] for k in sorted(errors)),
                           errors, dict(raw)) from None
    with uow:
        municipality = uow.session.get(Municipality, data["municipality_id"])
        if municipality is None:
            raise InvalidInput("Bitte korrigieren Sie die Angaben: Die Kommune ist ungültig.",
                               {"municipality": "Die Kommune ist ungültig."}, dict(raw))
        today = uow.clock.today()
        if not FIRST_YEAR <= data["year"] <= today.year + 1:
            message = f"Das Jahr muss zwischen {FIRST_YEAR} und {today.year + 1} liegen."
            raise InvalidInput("Bitte korrigieren Sie die Angaben: " + message, {"year": message}, dict(raw))
        row = EligiblePersons(**data, recorded_at=uow.clock.now(), recorded_by=actor.id)
        uow.session.add(row)
        uow.session.flush()
        record_event(uow, "eligible_persons_recorded", actor.id, None, municipality=municipality.name,
                     year=row.year, quarter=row.quarter, persons=row.persons)
        uow.commit()
        return EligibleEntry(municipality.name, row.year, row.quarter, row.persons, row.recorded_at,
                             actor.display_name)


def eligible_persons_at(session, p: ReportParams, municipalities: set[int]) -> dict[int, int]:
    """The figure per municipality valid at the as-of time: the period's own, else (quarters) the year's."""
    rows = session.execute(
        select(EligiblePersons.municipality_id, EligiblePersons.quarter, EligiblePersons.persons)
        .where(EligiblePersons.year == p.year, EligiblePersons.quarter.in_({p.quarter or 0, 0}),
               EligiblePersons.recorded_at <= p.as_of, EligiblePersons.municipality_id.in_(municipalities))
        .order_by(EligiblePersons.recorded_at, EligiblePersons.id)).all()
    year_figure, own_figure = {}, {}
    for muni_id, quarter, persons in rows:          # later rows overwrite earlier ones: the newest counts
        (own_figure if quarter == (p.quarter or 0) else year_figure)[muni_id] = persons
    return {**year_figure, **own_figure}


def eligible_entries(session, actor: Actor, year: int) -> list[EligibleEntry]:
    """Figures recorded for a year, newest first (compliance and admin only)."""
    if actor.role not in DISTRICT_WIDE:
        return []
    rows = session.execute(
        select(Municipality.name, EligiblePersons.year, EligiblePersons.quarter, EligiblePersons.persons,
               EligiblePersons.recorded_at, User.display_name)
        .join(Municipality, Municipality.id == EligiblePersons.municipality_id)
        .join(User, User.id == EligiblePersons.recorded_by)
        .where(EligiblePersons.year == year)
        .order_by(EligiblePersons.recorded_at.desc(), EligiblePersons.id.desc()).limit(200)).all()
    return [EligibleEntry(*r) for r in rows]
