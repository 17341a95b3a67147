"""The partner directory: the district's shared partners and each organisation's own, with contact data."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import or_, select

from engine.base import DISTRICT_WIDE, Actor, load_form, record_event
from engine.db import Municipality, Partner
from engine.errors import Forbidden, InvalidInput, NotFound

from .schemas import PartnerForm, PartnerQuery

PARTNER_EDITORS = {"supervisor", "admin"}
EDIT_REFUSAL = "Das Partnerverzeichnis pflegen die Teamleitung und die Administration."
LIST_LIMIT = 500


@dataclass(frozen=True)
class PartnerRow:
    """One partner in the directory, with the municipality's name."""

    partner: Partner
    municipality: str | None

    @property
    def shared(self) -> bool:
        """Part of the district's shared directory (kept by the administration)."""
        return self.partner.organisation_id is None


def visible_partners(actor_or_org: Actor | int | None):
    """The WHERE condition for partners an actor (or a case's organisation) may use."""
    if isinstance(actor_or_org, Actor):
        if actor_or_org.role in DISTRICT_WIDE:
            return True
        actor_or_org = actor_or_org.organisation_id
    return or_(Partner.organisation_id.is_(None), Partner.organisation_id == actor_or_org)


def list_partners(uow, actor: Actor, raw: Mapping) -> tuple[list[PartnerRow], dict]:
    """The directory for the actor's organisation (shared partners included), filtered; one query."""
    args = load_form(PartnerQuery(), raw, "Die Filter sind ungültig.")
    stmt = (select(Partner, Municipality.name).outerjoin(Municipality, Municipality.id == Partner.municipality_id)
            .where(visible_partners(actor)))
    if args["kind"]:
        stmt = stmt.where(Partner.kind == args["kind"])
    if args["municipality"]:
        stmt = stmt.where(or_(Partner.municipality_id.is_(None), Partner.municipality_id == args["municipality"]))
    if args["q"]:
        pattern = f"%{args['q'].replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(Partner.name.ilike(pattern), Partner.contact_person.ilike(pattern)))
    if not args["inactive"]:
        stmt = stmt.where(Partner.active.is_(True))
    rows = uow.session.execute(stmt.order_by(Partner.kind, Partner.name, Partner.id).limit(LIST_LIMIT)).all()
    return [PartnerRow(p, m) for p, m in rows], args


def partner_choices(session, organisation_id: int) -> list[Partner]:
    """Active partners a case of this organisation can be referred to (for the referral form)."""
    return list(session.execute(select(Partner).where(visible_partners(organisation_id), Partner.active.is_(True))
                                .order_by(Partner.kind, Partner.name).limit(LIST_LIMIT)).scalars())


def editable_partner(uow, actor: Actor, partner_id: int) -> Partner:
    """A partner the actor may change: their organisation's; the shared ones and every one for the admin."""
    if actor.role not in PARTNER_EDITORS:
        raise Forbidden(EDIT_REFUSAL)
    partner = uow.session.get(Partner, partner_id)
    if partner is None or (actor.role != "admin" and partner.organisation_id != actor.organisation_id):
        raise NotFound("Der Partner wurde nicht gefunden.")
    return partner


def save_partner(uow, actor: Actor, raw: Mapping, partner_id: int | None = None) -> int:
    """Create (partner_id None) or change a partner; an admin's new partners go into the shared directory."""
    if actor.role not in PARTNER_EDITORS:
        raise Forbidden(EDIT_REFUSAL)
    data = load_form(PartnerForm(), raw)
    with uow:
        municipality = data.pop("municipality_id")
        if municipality is not None:
            _check_municipality(uow, actor, municipality, data)
        if partner_id is None:
            partner = Partner(organisation_id=None if actor.role == "admin" else actor.organisation_id)
            uow.session.add(partner)
        else:
            partner = editable_partner(uow, actor, partner_id)
        for key, value in data.items():
            setattr(partner, key, value)
        partner.municipality_id = municipality
        partner.updated_at = uow.clock.now()
        if partner_id is None:
            partner.active = True if "active" not in raw else data["active"]
        uow.session.flush()
        record_event(uow, "partner_saved" if partner_id else "partner_created", actor.id, None,
                     partner_id=partner.id, partner_kind=partner.kind, name=partner.name, active=partner.active)
        uow.commit()
        return partner.id


def _check_municipality(uow, actor: Actor, municipality_id: int, values: dict) -> None:
    municipality = uow.session.get(Municipality, municipality_id)
    if municipality is None or (actor.role != "admin" and municipality.organisation_id != actor.organisation_id):
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                           {"municipality_id": "Diese Gemeinde gehört nicht zu Ihrer Organisation."}, values)
