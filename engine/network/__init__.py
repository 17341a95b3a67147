"""The caseworker's network and calendar: the partner directory, referrals to partners, counselling appointments,
the week view and the personal iCal feed.
"""
from .appointments import cancel_appointment, reschedule_appointment, set_appointment
from .calendar_feed import FeedStatus, feed_ics, feed_status, issue_feed, revoke_feed
from .case_section import CaseNetwork, ReferralRow, case_network
from .partners import (
    EDIT_REFUSAL,
    PARTNER_EDITORS,
    PartnerRow,
    editable_partner,
    list_partners,
    partner_choices,
    save_partner,
)
from .referrals import record_referral, update_referral
from .vocabulary import FEED_NAMES, OPEN, PARTNER_KINDS, REFERRAL_OUTCOMES
from .week import Week, WeekDay, WeekEntry, my_week

__all__ = [
    "cancel_appointment", "case_network", "CaseNetwork", "ReferralRow",
    "EDIT_REFUSAL", "editable_partner", "FEED_NAMES", "feed_ics", "feed_status", "FeedStatus",
    "issue_feed", "list_partners", "my_week", "OPEN", "PARTNER_EDITORS", "PARTNER_KINDS", "partner_choices",
    "PartnerRow", "record_referral", "REFERRAL_OUTCOMES", "reschedule_appointment", "revoke_feed", "save_partner",
    "set_appointment", "update_referral", "Week", "WeekDay", "WeekEntry",
]
