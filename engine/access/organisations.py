"""Organisations and municipalities in the browser (admin), and each municipality's delegation model over time:
the municipality employs caseworkers itself, has commissioned a welfare organisation, or has delegated back to the
district — from a date on, with the history kept so that reports can use the model in force.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from engine.base import DELEGATION_MODELS, Actor, Delegation, record_event
from engine.db import Municipality, MunicipalityDelegation, Organisation
from engine.errors import InvalidInput, NotFound

from .user_admin import require_user_admin

ORGANISATION_KINDS = {"district": "Landkreis", "municipality": "Kommune (eigenes Personal)",
                      "provider": "Träger der freien Wohlfahrtspflege"}


@dataclass(frozen=True)
class MunicipalityRow:
    """A municipality with its responsible organisation, the model in force and the history (newest first)."""

    id: int
    name: str
    organisation: str
    in_force: Delegation | None
    history: tuple[Delegation, ...]


def organisation_overview(uow, actor: Actor) -> tuple[list[tuple[int, str, str]], list[MunicipalityRow]]:
    """Organisations (id, name, kind) and municipalities with their delegation models, by name."""
    require_user_admin(actor)
    with uow:
        s, today = uow.session, uow.clock.today()
        organisations = [tuple(r) for r in s.execute(select(Organisation.id, Organisation.name, Organisation.kind)
                                                     .order_by(Organisation.name))]
        names = {oid: name for oid, name, _ in organisations}
        history: dict[int, list[Delegation]] = {}
        for d in s.execute(select(MunicipalityDelegation).order_by(MunicipalityDelegation.valid_from.desc())
                           ).scalars():
            history.setdefault(d.municipality_id, []).append(
                Delegation(d.model, names.get(d.organisation_id), d.valid_from))
        rows = []
        for m in s.execute(select(Municipality).order_by(Municipality.name)).scalars():
            past = history.get(m.id, [])
            in_force = next((d for d in past if d.valid_from <= today), None)
            rows.append(MunicipalityRow(m.id, m.name, names[m.organisation_id], in_force, tuple(past)))
        return organisations, rows


def create_organisation(uow, actor: Actor, name: str, kind: str) -> int:
    """Add an organisation (district office, municipality with own staff, or provider)."""
    require_user_admin(actor)
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = "Bitte einen Namen mit höchstens 200 Zeichen angeben."
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = "Bitte eine Art wählen."
    with uow:
        if name and uow.session.execute(select(Organisation.id).where(Organisation.name == name)).first():
            errors["name"] = f"Die Organisation '{name}' gibt es bereits."
        if errors:
            raise InvalidInput("Die Organisation wurde nicht angelegt.", errors)
        org = Organisation(name=name, kind=kind)
        uow.session.add(org)
        uow.session.flush()
        record_event(uow, "organisation_created", actor.id, name=name, organisation_kind=kind)
        uow.commit()
        return org.id


def create_municipality(uow, actor: Actor, name: str, organisation_id: int) -> int:
    """Add a municipality worked by an organisation (changing that later is the Fallübergabe's job)."""
    require_user_admin(actor)
    name = (name or "").strip()
    with uow:
        org = uow.session.get(Organisation, organisation_id)
        errors = {}
        if not name or len(name) > 200:
            errors["name"] = "Bitte einen Namen mit höchstens 200 Zeichen angeben."
        elif uow.session.execute(select(Municipality.id).where(Municipality.name == name)).first():
            errors["name"] = f"Die Kommune '{name}' gibt es bereits."
        if org is None:
            errors["organisation_id"] = "Bitte eine Organisation wählen."
        if errors:
            raise InvalidInput("Die Kommune wurde nicht angelegt.", errors)
        town = Municipality(name=name, organisation_id=org.id)
        uow.session.add(town)
        uow.session.flush()
        record_event(uow, "municipality_created", actor.id, name=name, organisation=org.name)
        uow.commit()
        return town.id


def record_delegation(uow, actor: Actor, municipality_id: int, model: str, valid_from: date,
                      organisation_id: int | None = None) -> None:
    """Record the municipality's delegation model from a date on (earlier records stay as history)."""
    require_user_admin(actor)
    errors = {}
    if model not in DELEGATION_MODELS:
        errors["model"] = "Bitte ein Modell wählen."
    if model == "commissioned" and not organisation_id:
        errors["organisation_id"] = "Bitte den beauftragten Träger wählen."
    with uow:
        town = uow.session.get(Municipality, municipality_id)
        if town is None:
            raise NotFound("Diese Kommune gibt es nicht.")
        org = uow.session.get(Organisation, organisation_id) if organisation_id else None
        if organisation_id and org is None:
            errors["organisation_id"] = "Diese Organisation gibt es nicht."
        if uow.session.execute(select(MunicipalityDelegation.id).where(
                MunicipalityDelegation.municipality_id == municipality_id,
                MunicipalityDelegation.valid_from == valid_from)).first():
            errors["valid_from"] = "Für diesen Tag ist schon ein Modell eingetragen."
        if errors:
            raise InvalidInput("Das Modell wurde nicht eingetragen.", errors)
        uow.session.add(MunicipalityDelegation(municipality_id=town.id, model=model, organisation_id=
                                               org.id if org else None, valid_from=valid_from,
                                               recorded_at=uow.clock.now(), recorded_by=actor.id))
        record_event(uow, "delegation_recorded", actor.id, municipality=town.name, model=model,
                     organisation=org.name if org else None, valid_from=valid_from.isoformat())
        uow.commit()
