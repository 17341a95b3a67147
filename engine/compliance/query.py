"""The compliance dashboard's parameters: validated filters, the as-of date, quarters, and who may see what."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from engine.base import DISTRICT_WIDE, Actor
from engine.db import Case
from engine.errors import Forbidden, InvalidInput

DASHBOARD_ROLES = DISTRICT_WIDE | {"supervisor"}
STATES = ("all", "violation", "at_risk")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MAX_ID = 2**31 - 1


def quarter_bounds(text: str) -> tuple[date, date]:
    """First and last day of a quarter written as 2025-Q3."""
    match = _QUARTER.match(text)
    year, q = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def quarter_of(day: date) -> str:
    """The quarter a day lies in, as 2025-Q3."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def recent_quarters(today: date, count: int = 8) -> list[str]:
    """The current quarter and the `count - 1` before it, newest first."""
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(count):
        out.append(f"{year}-Q{q}")
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return out


def _id(label: str, key: str) -> fields.Integer:
    return fields.Integer(data_key=key, load_default=None, allow_none=True, strict=False,
                          error_messages={"invalid": f"{label} ist ungültig."},
                          validate=validate.Range(min=1, max=_MAX_ID, error=f"{label} ist ungültig."))


def _quarter(label: str) -> fields.String:
    return fields.String(load_default=None, allow_none=True,
                         validate=validate.Regexp(_QUARTER, error=f"{label}: erwartet wird z. B. 2025-Q3."))


class DashboardQuery(Schema):
    """Filters of the compliance dashboard, from the query string."""

    class Meta:
        unknown = EXCLUDE

    municipality_id = _id("Die Kommune", "municipality")
    organisation_id = _id("Die Organisation", "organisation")
    caseworker_id = _id("Die zuständige Person", "caseworker")
    rule = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    state = fields.String(load_default="all", validate=validate.OneOf(
        STATES, error="Unbekannter Status (erlaubt: violation = Verstoß, at_risk = gefährdet, all = alle)."))
    quarter = _quarter("Quartal")
    as_of = fields.Date(load_default=None, allow_none=True,
                        error_messages={"invalid": "Der Stichtag ist kein gültiges Datum (JJJJ-MM-TT)."})
    as_of_quarter = _quarter("Stichtag (Quartalsende)")
    page = fields.Integer(load_default=1, strict=False, error_messages={"invalid": "Ungültige Seite."},
                          validate=validate.Range(min=1, max=100_000, error="Ungültige Seite."))

    @validates_schema
    def _not_both(self, data, **_kw):
        if data.get("as_of") and data.get("as_of_quarter"):
            raise ValidationError("Bitte entweder einen Stichtag oder ein Quartalsende wählen.", "as_of")


@dataclass(frozen=True)
class DashboardParams:
    """Validated parameters; `as_of` is resolved (today, a date, or a quarter's end)."""

    as_of: date
    municipality_id: int | None = None
    organisation_id: int | None = None
    caseworker_id: int | None = None
    rule: str | None = None
    state: str = "all"
    quarter: str | None = None
    as_of_quarter: str | None = None
    page: int = 1
    explicit_as_of: bool = False

    @property
    def is_today(self) -> bool:
        """Whether the check runs on today's data (no past as-of date chosen)."""
        return self.as_of_quarter is None and not self.explicit_as_of

    def case_filters(self) -> list:
        """Where-clauses on Case for the organisation, municipality and caseworker filters."""
        out = []
        if self.organisation_id:
            out.append(Case.organisation_id == self.organisation_id)
        if self.municipality_id:
            out.append(Case.municipality_id == self.municipality_id)
        if self.caseworker_id:
            out.append(Case.responsible_user_id == self.caseworker_id)
        return out


def parse_params(raw, actor: Actor, today: date) -> DashboardParams:
    """Validate the query string (German messages) and apply the actor's scope."""
    if actor.role not in DASHBOARD_ROLES:
        raise Forbidden("Das Compliance-Dashboard ist der Fachaufsicht, der Administration und den Teamleitungen "
                        "vorbehalten.")
    cleaned = {k: v for k, v in dict(raw).items() if v not in ("", None)}
    try:
        data = DashboardQuery().load(cleaned)
    except ValidationError as err:
        messages = {k: (v[0] if isinstance(v, list) else str(v)) for k, v in err.messages.items()}
        raise InvalidInput("Ungültige Angaben: " + " ".join(messages.values()), messages) from None
    as_of = data.pop("as_of")
    if data.get("as_of_quarter"):
        as_of = min(quarter_bounds(data["as_of_quarter"])[1], today)
    if as_of is not None and as_of > today:
        raise InvalidInput("Der Stichtag darf nicht in der Zukunft liegen.", {"as_of": "Nicht in der Zukunft."})
    if as_of is not None and as_of.year < 2000:
        # A real date, only far too early (a typo like 0001): say so instead of calling it invalid.
        raise InvalidInput(f"Der Stichtag {as_of:%d.%m.}{as_of.year:04d} liegt vor 2000; so früh gibt es keine "
                           "Daten. Bitte ein späteres Datum wählen.", {"as_of": "Frühestens 2000."})
    if actor.role not in DISTRICT_WIDE:
        data["organisation_id"] = actor.organisation_id   # supervisors see their organisation only
    return DashboardParams(as_of=as_of or today, explicit_as_of=as_of is not None, **data)
