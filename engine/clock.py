"""Time as a dependency: the system clock in production, a settable one in tests."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


class SystemClock:
    """The real clock; always returns aware UTC datetimes."""

    def now(self) -> datetime:
        """Current time in UTC."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in Europe/Berlin, the users' calendar."""
        return self.now().astimezone(BERLIN).date()


class FakeClock(SystemClock):
    """A clock tests move by hand instead of sleeping."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        """The frozen current time."""
        return self._now

    def advance(self, **delta: float) -> None:
        """Move time forward by a timedelta given as keyword arguments."""
        self._now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        """Jump to a given moment (must be timezone-aware)."""
        self._now = moment
