"""The words of the partner network: kinds of partners and what a referral came to."""
from __future__ import annotations

from engine.base import PARTNER_KINDS, REFERRAL_OUTCOMES

OPEN = "offen"
# Who includes client names in their calendar feed: nobody unless they opt in.
FEED_NAMES = {"none": "ohne Namen (nur „Beratungstermin“)", "initials": "mit Initialen", "full": "mit vollem Namen"}

__all__ = ["FEED_NAMES", "OPEN", "PARTNER_KINDS", "REFERRAL_OUTCOMES"]
