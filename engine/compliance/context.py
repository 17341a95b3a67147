"""What every rule check shares: the as-of moment, the at-risk horizon, deadlines and the cases in scope."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from engine.clock import BERLIN
from engine.db import Case, Event


@dataclass(frozen=True)
class CheckContext:
    """One evaluation: data recorded before `cutoff` (end of `as_of`, Berlin) counts; later rows do not exist."""

    as_of: date
    at_risk_days: int
    deadlines: dict[str, str]
    case_filters: tuple = field(default_factory=tuple)

    @property
    def cutoff(self) -> datetime:
        """The first instant after the as-of day, in UTC: every timestamped source is read `< cutoff`."""
        return datetime.combine(self.as_of + timedelta(days=1), time(0), tzinfo=BERLIN).astimezone(UTC)

    @property
    def horizon(self) -> date:
        """Deadlines up to this date count as at risk."""
        return self.as_of + timedelta(days=self.at_risk_days)

    def duration(self, ref: str) -> str:
        """A configured deadline's ISO duration, or `ref` itself when it is one."""
        return self.deadlines.get(ref, ref)

    def cases(self):
        """Where-clauses: cases opened by the as-of moment and within the dashboard's filters."""
        return (Case.opened_at < self.cutoff, *self.case_filters)

    def closed(self):
        """Subquery (case_id, closed_at) of cases whose closure was recorded by the as-of moment."""
        return (select(Event.case_id.label("case_id"), func.min(Event.at).label("closed_at"))
                .where(Event.kind == "case_closed", Event.at < self.cutoff)
                .group_by(Event.case_id).subquery())
