"""Who sees which part of the state report, and the report's filters checked against that."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.base import DISTRICT_WIDE, Actor
from engine.db import Municipality, Organisation
from engine.errors import InvalidInput

from .figures import UnitFigures
from .params import ReportParams


@dataclass(frozen=True)
class Filters:
    """The checked filters: names for the heading, the units listed even without data, home organisations."""

    scope: str
    municipality: str | None
    organisation: str | None
    base_units: list[tuple[int, int]]          # (organisation_id, municipality_id)
    home_organisation: dict[int, int]          # municipality -> the organisation that works it


def check_filters(session, actor: Actor, p: ReportParams) -> Filters:
    """Validate municipality and organisation filters for the actor (unknown and foreign ones are invalid)."""
    rows = session.execute(select(Municipality.id, Municipality.name, Municipality.organisation_id)).all()
    home = {r[0]: r[2] for r in rows}
    district_wide = actor.role in DISTRICT_WIDE
    visible = [r for r in rows if district_wide or r[2] == actor.organisation_id]
    municipality = organisation = None
    if p.municipality_id is not None:
        match = [r for r in visible if r[0] == p.municipality_id]
        if not match:
            raise InvalidInput("Ungültige Angaben: Die Kommune ist ungültig.",
                               {"municipality": "Die Kommune ist ungültig."})
        municipality = match[0][1]
    if p.organisation_id is not None:
        org = session.get(Organisation, p.organisation_id)
        if org is None or not (district_wide or org.id == actor.organisation_id):
            raise InvalidInput("Ungültige Angaben: Die Organisation ist ungültig.",
                               {"organisation": "Die Organisation ist ungültig."})
        organisation = org.name
    base = [(r[2], r[0]) for r in visible
            if p.municipality_id in (None, r[0]) and p.organisation_id in (None, r[2])]
    scope = "alle Organisationen" if district_wide else session.get(Organisation, actor.organisation_id).name
    return Filters(scope, municipality, organisation, base, home)


def unit_names(session, units: list[UnitFigures]) -> list[UnitFigures]:
    """Fill in organisation and municipality names; sorted by organisation, then municipality."""
    orgs = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    munis = dict(session.execute(select(Municipality.id, Municipality.name)).all())
    for u in units:
        u.organisation, u.municipality = orgs.get(u.organisation_id, "?"), munis.get(u.municipality_id, "?")
    return sorted(units, key=lambda u: (u.organisation.casefold(), (u.municipality or "").casefold()))


def report_choices(session, actor: Actor) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Organisations and municipalities to offer in the report's filters."""
    orgs = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    munis = select(Municipality.id, Municipality.name).order_by(Municipality.name)
    if actor.role not in DISTRICT_WIDE:
        orgs = orgs.where(Organisation.id == actor.organisation_id)
        munis = munis.where(Municipality.organisation_id == actor.organisation_id)
    else:
        # Only organisations that work a municipality carry cases (the district office may hold compliance only).
        orgs = orgs.where(Organisation.id.in_(select(Municipality.organisation_id)))
    return [tuple(r) for r in session.execute(orgs)], [tuple(r) for r in session.execute(munis)]
