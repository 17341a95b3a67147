"""Eligibility for Integrationsmanagement: residence status and the counselling period (domain.md)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from engine.base import RESIDENCE_STATUS_LABELS
from engine.workflow import add_duration

# Statuses with a prospect of staying; the audit office criticised counselling of people obliged to leave.
ELIGIBLE_STATUSES = {
    "recognised_refugee", "asylum_entitled", "subsidiary_protection", "deportation_ban",
    "temporary_protection_ukraine", "asylum_pending_good_prospects",
}


@dataclass(frozen=True)
class EligibilityResult:
    """Outcome of the rule check with a German explanation kept as evidence."""

    eligible: bool
    reason: str
    counselling_end: date | None


def check_eligibility(residence_status: str, au_since: date | None, counselling_start: date | None,
                      today: date, max_period: str) -> EligibilityResult:
    """Apply the eligibility rule; `max_period` is the configurable counselling limit (default P3Y)."""
    end = date.fromisoformat(add_duration(counselling_start, max_period)) if counselling_start else None
    if residence_status not in ELIGIBLE_STATUSES:
        label = RESIDENCE_STATUS_LABELS.get(residence_status, residence_status)
        return EligibilityResult(False, f"Aufenthaltsstatus „{label}“ ohne Bleibeperspektive.", end)
    if au_since is None or au_since > today:
        return EligibilityResult(False, "Keine (begonnene) kommunale Anschlussunterbringung.", end)
    if end is not None and end <= today:
        return EligibilityResult(False, f"Beratungszeitraum endete am {end:%d.%m.%Y}.", end)
    return EligibilityResult(True, "Aufenthaltsstatus mit Bleibeperspektive, Anschlussunterbringung seit "
                                   f"{au_since:%d.%m.%Y}.", end)
