"""What the case page shows of the network: referrals with their partners, and the coming appointments."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, or_, select

from engine.db import Appointment, Partner, Referral

from .partners import visible_partners

LIMIT = 200
# Appointments shown: the coming ones and those of the last weeks (a cancelled or missed one stays visible).
RECENT_DAYS = 28


@dataclass(frozen=True)
class ReferralRow:
    """A referral on the case page, with its partner."""

    referral: Referral
    partner: Partner


@dataclass
class CaseNetwork:
    """The case page's "Vermittlungen" and "Termine" sections."""

    today: date
    referrals: list[ReferralRow] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)     # partners a new referral may name
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def next_appointments(self) -> list[Appointment]:
        """Planned appointments from today on, soonest first."""
        return [a for a in self.appointments if a.status == "planned" and a.day >= self.today]

    @property
    def user_ids(self) -> set[int]:
        """People named in the sections (for the page's one name lookup)."""
        return {r.referral.recorded_by for r in self.referrals} | {a.caseworker_id for a in self.appointments}


def case_network(session, case, today: date) -> CaseNetwork:
    """Two statements whatever the history: partners joined to this case's referrals, and the appointments."""
    view = CaseNetwork(today)
    stmt = (select(Partner, Referral)
            .outerjoin(Referral, and_(Referral.partner_id == Partner.id, Referral.case_id == case.id))
            .where(or_(and_(visible_partners(case.organisation_id), Partner.active.is_(True)),
                       Referral.id.is_not(None)))
            .order_by(Referral.referred_on.desc(), Referral.id.desc(), Partner.kind, Partner.name)
            .limit(2 * LIMIT))
    for partner, referral in session.execute(stmt):
        if referral is not None and len(view.referrals) < LIMIT:
            view.referrals.append(ReferralRow(referral, partner))
        if partner.active and (partner.organisation_id in (None, case.organisation_id)) \
                and partner not in view.partners:
            view.partners.append(partner)
    view.partners.sort(key=lambda p: (p.kind, p.name.casefold()))
    view.appointments = list(session.execute(
        select(Appointment).where(Appointment.case_id == case.id,
                                  Appointment.day >= today - timedelta(days=RECENT_DAYS))
        .order_by(Appointment.day, Appointment.start_time).limit(LIMIT)).scalars())
    return view
