"""Referrals of a client to a network partner, with a follow-up date the reminder pass watches."""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from engine.base import Actor, load_form, record_event
from engine.db import Goal, Partner, Referral
from engine.errors import InvalidInput, NotFound

from .case_access import editable_case
from .partners import visible_partners
from .schemas import ReferralForm, ReferralOutcomeForm

_FIX = "Bitte korrigieren Sie die markierten Felder."


def record_referral(uow, case_id: str, raw: Mapping, actor: Actor) -> int:
    """Record a referral of the case's client to a partner (reason, linked goal, date, follow-up)."""
    data = load_form(ReferralForm(), raw)
    with uow:
        case = editable_case(uow, actor, case_id)
        if data["referred_on"] > uow.clock.today():
            raise InvalidInput(_FIX, {"referred_on": "Das Datum darf nicht in der Zukunft liegen."}, dict(raw))
        partner = uow.session.execute(select(Partner).where(
            Partner.id == data["partner_id"], Partner.active.is_(True),
            visible_partners(case.organisation_id))).scalar_one_or_none()
        if partner is None:
            raise InvalidInput(_FIX, {"partner_id": "Bitte wählen Sie einen Partner aus der Liste."}, dict(raw))
        if data["goal_id"] and uow.session.execute(select(Goal.id).where(
                Goal.id == data["goal_id"], Goal.case_id == case.id)).first() is None:
            raise InvalidInput(_FIX, {"goal_id": "Dieses Ziel gehört nicht zu diesem Fall."}, dict(raw))
        now = uow.clock.now()
        referral = Referral(case_id=case.id, partner_id=partner.id, goal_id=data["goal_id"], reason=data["reason"],
                            referred_on=data["referred_on"], follow_up_on=data["follow_up_on"], outcome="offen",
                            recorded_by=actor.id, recorded_at=now, updated_at=now)
        uow.session.add(referral)
        uow.session.flush()
        record_event(uow, "referral_recorded", actor.id, case.id, referral_id=referral.id, partner_id=partner.id,
                     partner_kind=partner.kind, referred_on=referral.referred_on.isoformat(),
                     follow_up_on=referral.follow_up_on.isoformat() if referral.follow_up_on else None,
                     goal_id=referral.goal_id)
        uow.commit()
        return referral.id


def update_referral(uow, case_id: str, referral_id: int, raw: Mapping, actor: Actor) -> None:
    """Record what came of a referral (outcome, note) and optionally a new follow-up date."""
    data = load_form(ReferralOutcomeForm(), raw)
    with uow:
        case = editable_case(uow, actor, case_id)
        referral = uow.session.get(Referral, referral_id)
        if referral is None or referral.case_id != case.id:
            raise NotFound("Die Vermittlung wurde nicht gefunden.")
        if data["follow_up_on"] and data["follow_up_on"] < referral.referred_on:
            raise InvalidInput(_FIX, {"follow_up_on": "Die Nachverfolgung kann nicht vor der Vermittlung liegen."},
                               dict(raw))
        referral.outcome, referral.outcome_note = data["outcome"], data["outcome_note"]
        if data["follow_up_on"]:
            referral.follow_up_on = data["follow_up_on"]
        referral.updated_at = uow.clock.now()
        record_event(uow, "referral_updated", actor.id, case.id, referral_id=referral.id, outcome=referral.outcome,
                     follow_up_on=referral.follow_up_on.isoformat() if referral.follow_up_on else None)
        uow.commit()
