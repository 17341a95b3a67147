"""The state report's parameters: period (quarter or year), filters and the as-of time, validated with German messages.

Two time axes: the period selects by the domain date (intake, contact, agreement, closure date); the as-of time
("Stand") selects by when something was recorded. The same as-of time always gives the same figures.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.clock import BERLIN
from engine.errors import InvalidInput

FIRST_YEAR = 2015
_MAX_ID = 2**31 - 1
QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


class ReportQuery(Schema):
    """Query-string parameters of the state report."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(load_default=None, allow_none=True, strict=False,
                          error_messages={"invalid": "Das Jahr ist ungültig."})
    quarter = fields.Integer(load_default=None, allow_none=True,
                             error_messages={"invalid": "Das Quartal ist ungültig."},
                             validate=validate.Range(min=1, max=4, error="Das Quartal muss zwischen 1 und 4 liegen."))
    municipality_id = fields.Integer(data_key="municipality", load_default=None, allow_none=True,
                                     error_messages={"invalid": "Die Kommune ist ungültig."},
                                     validate=validate.Range(min=1, max=_MAX_ID, error="Die Kommune ist ungültig."))
    organisation_id = fields.Integer(data_key="organisation", load_default=None, allow_none=True,
                                     error_messages={"invalid": "Die Organisation ist ungültig."},
                                     validate=validate.Range(min=1, max=_MAX_ID,
                                                             error="Die Organisation ist ungültig."))
    as_of = fields.String(load_default=None, allow_none=True,
                          validate=validate.Length(max=25, error="Der Stichtag ist ungültig."))


@dataclass(frozen=True)
class ReportParams:
    """A validated report request; `as_of` is an aware UTC datetime, never in the future."""

    year: int
    quarter: int | None
    municipality_id: int | None
    organisation_id: int | None
    as_of: datetime

    @property
    def start(self) -> date:
        """First day of the period."""
        return date(self.year, QUARTER_MONTHS[self.quarter][0] if self.quarter else 1, 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        month = QUARTER_MONTHS[self.quarter][1] if self.quarter else 12
        following = date(self.year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        """German name of the period, e.g. "1. Quartal 2026" or "Jahr 2026"."""
        return f"{self.quarter}. Quartal {self.year}" if self.quarter else f"Jahr {self.year}"

    @property
    def as_of_local(self) -> datetime:
        """The as-of time in Europe/Berlin."""
        return self.as_of.astimezone(BERLIN)

    @property
    def as_of_param(self) -> str:
        """The as-of time as the query parameter that reproduces it exactly (Berlin local, to the second)."""
        return self.as_of_local.strftime("%Y-%m-%dT%H:%M:%S")

    def query(self, **overrides) -> dict:
        """Query-string arguments for this report (links to exports carry the exact as-of time)."""
        args = {"year": self.year, "quarter": self.quarter, "municipality": self.municipality_id,
                "organisation": self.organisation_id, "as_of": self.as_of_param, **overrides}
        return {k: v for k, v in args.items() if v is not None}


def load_params(raw: Mapping, now: datetime) -> ReportParams:
    """Validate report parameters against the current time `now`; German InvalidInput on errors."""
    cleaned = {k: v for k, v in raw.items() if v not in ("", None)}
    try:
        data = ReportQuery().load(cleaned)
    except ValidationError as err:
        _fail({k: v[0] if isinstance(v, list) else str(v) for k, v in err.messages.items()})
    now = now.astimezone(UTC).replace(microsecond=0)
    today = now.astimezone(BERLIN).date()
    as_of = _parse_as_of(data["as_of"], now) if data["as_of"] else now
    year = data["year"] if data["year"] is not None else today.year
    quarter = data["quarter"] if data["year"] is not None or data["quarter"] else (today.month - 1) // 3 + 1
    if not FIRST_YEAR <= year <= today.year:
        _fail({"year": f"Das Jahr muss zwischen {FIRST_YEAR} und {today.year} liegen."})
    params = ReportParams(year, quarter, data["municipality_id"], data["organisation_id"], as_of)
    if params.start > as_of.astimezone(BERLIN).date():
        _fail({"as_of": "Der Zeitraum beginnt erst nach dem Stichtag; es kann noch keine Daten geben."})
    return params


EARLIEST_YEAR = 2000


def _parse_as_of(text: str, now: datetime) -> datetime:
    """A date (end of that day, Berlin) or a Berlin-local date and time; clamped to now, never in the future."""
    try:
        if "T" in text or " " in text:
            moment = datetime.fromisoformat(text.replace(" ", "T"))
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=BERLIN))
        else:
            day = datetime.strptime(text, "%d.%m.%Y").date() if "." in text else date.fromisoformat(text)
            moment = datetime.combine(day, time(23, 59, 59), tzinfo=BERLIN)
    except ValueError:
        _fail({"as_of": "Der Stichtag ist ungültig (erwartet TT.MM.JJJJ bzw. JJJJ-MM-TT)."})
    if moment.year < EARLIEST_YEAR:
        # A real date, only far too early (e.g. a typo like 0001): say so instead of calling it invalid.
        _fail({"as_of": f"Der Stichtag {moment:%d.%m.}{moment.year:04d} liegt vor {EARLIEST_YEAR}; so früh gibt es "
                        "keine Daten. Bitte ein späteres Datum wählen."})
    moment = moment.astimezone(UTC)
    if moment.astimezone(BERLIN).date() > now.astimezone(BERLIN).date():
        _fail({"as_of": "Der Stichtag darf nicht in der Zukunft liegen."})
    return min(moment.replace(microsecond=0), now)


def _fail(errors: dict[str, str]):
    raise InvalidInput("Ungültige Angaben: " + " ".join(errors[k] for k in sorted(errors)), errors)


__all__ = ["ReportParams", "ReportQuery", "load_params"]
