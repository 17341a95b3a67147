"""The state report as typed values: figures per unit (municipality, organisation, total) and the report itself."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from .labels import AREAS
from .params import ReportParams


@dataclass
class UnitFigures:
    """The report's figures for one municipality worked by one organisation, or a sum of such units."""

    organisation_id: int | None
    organisation: str
    municipality_id: int | None
    municipality: str | None
    cases_served: int = 0
    persons_served: int = 0
    new_cases: int = 0
    plans_agreed: int = 0
    sessions: int = 0
    session_minutes: int = 0
    eligible_persons: int | None = None
    # Persons served in the units that have an eligible-persons figure: the numerator of the coverage.
    covered_persons: int = 0
    goals: Counter = field(default_factory=Counter)        # (life_area, status) -> goals
    outcomes: Counter = field(default_factory=Counter)     # outcome code -> closures reporting it
    closures: Counter = field(default_factory=Counter)     # closure reason -> closures
    referrals: Counter = field(default_factory=Counter)    # (partner kind, outcome) -> referrals in the period

    @property
    def coverage(self) -> float | None:
        """Persons served ÷ eligible persons (None when no eligible persons were entered)."""
        if not self.eligible_persons:
            return None
        return self.covered_persons / self.eligible_persons

    @property
    def session_hours(self) -> float:
        """Counselling time in hours, one decimal."""
        return round(self.session_minutes / 60, 1)

    @property
    def closures_total(self) -> int:
        """All closures in the period."""
        return sum(self.closures.values())

    @property
    def has_data(self) -> bool:
        """Whether anything at all was counted for this unit."""
        return any((self.cases_served, self.new_cases, self.plans_agreed, self.sessions, self.closures_total,
                    sum(self.goals.values()), sum(self.referrals.values())))

    def goals_by_area(self, area: str) -> dict[str, int]:
        """Goals of one life area by status."""
        return {status: n for (a, status), n in self.goals.items() if a == area}

    def add(self, other: UnitFigures) -> None:
        """Add another unit's figures to this one (for subtotals and the total)."""
        for name in ("cases_served", "persons_served", "new_cases", "plans_agreed", "sessions", "session_minutes",
                     "covered_persons"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.eligible_persons is not None:
            self.eligible_persons = (self.eligible_persons or 0) + other.eligible_persons
        self.goals.update(other.goals)
        self.outcomes.update(other.outcomes)
        self.closures.update(other.closures)
        self.referrals.update(other.referrals)


def summed(units: list[UnitFigures], organisation_id: int | None, organisation: str) -> UnitFigures:
    """A new unit holding the sum of `units`."""
    total = UnitFigures(organisation_id, organisation, None, None)
    for unit in units:
        total.add(unit)
    return total


@dataclass
class StateReport:
    """The state report for one period, scope and as-of time."""

    params: ReportParams
    rule_version: str
    scope: str                              # e.g. "alle Organisationen" or the organisation's name
    municipality: str | None                # the municipality filter's name, if any
    organisation: str | None                # the organisation filter's name, if any
    units: list[UnitFigures]                # per organisation and municipality, sorted by names
    organisations: list[UnitFigures]        # subtotals per organisation
    total: UnitFigures
    delegation: str | None = None           # the filtered municipality's delegation model in force at period end

    @property
    def as_of(self) -> datetime:
        """The as-of time (UTC)."""
        return self.params.as_of

    @property
    def is_empty(self) -> bool:
        """Nothing to report for this period and selection."""
        return not self.total.has_data

    @property
    def life_areas_with_goals(self) -> list[str]:
        """Life areas that have at least one goal, in the canonical order."""
        present = {area for area, _status in self.total.goals}
        return [a for a in AREAS if a in present] + sorted(present - set(AREAS))
