"""The deadline overview's filters, sorting and paging, validated with German messages."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.errors import InvalidInput

DETAIL_LIMIT = 200


SORT_KEYS = ("due", "overdue", "caseworker", "municipality")


# The direction a column header sorts in when first clicked: most days overdue first, names A–Z.
NATURAL_ORDER = {"due": "asc", "overdue": "desc", "caseworker": "asc", "municipality": "asc"}


STATES = ("all", "overdue", "soon")


UNASSIGNED = 0          # the caseworker filter's value for "nicht zugewiesen"


_MAX_ID = 2**31 - 1     # larger ids cannot exist and would overflow PostgreSQL's integer


class DeadlineQuery(Schema):
    """Filters and sort order of the deadline overview, from the query string."""

    class Meta:
        unknown = EXCLUDE

    municipality_id = fields.Integer(data_key="municipality", load_default=None, allow_none=True,
                                     strict=False, error_messages={"invalid": "Die Kommune ist ungültig."},
                                     validate=validate.Range(min=1, max=_MAX_ID, error="Die Kommune ist ungültig."))
    caseworker_id = fields.Integer(data_key="caseworker", load_default=None, allow_none=True,
                                   error_messages={"invalid": "Die zuständige Person ist ungültig."},
                                   validate=validate.Range(min=0, max=_MAX_ID,
                                                           error="Die zuständige Person ist ungültig."))
    state = fields.String(load_default="all", validate=validate.OneOf(
        STATES, error="Unbekannter Fristenstatus (erlaubt: overdue = überfällig, soon = bald fällig, all = alle)."))
    sort = fields.String(load_default="due", validate=validate.OneOf(
        SORT_KEYS, error="Unbekannte Sortierung (erlaubt: due = Fälligkeit, overdue = Tage überfällig, "
                         "caseworker = Zuständig, municipality = Kommune)."))
    order = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(
        ("asc", "desc"), error="Unbekannte Sortierrichtung (erlaubt: asc = aufsteigend, desc = absteigend)."))


@dataclass(frozen=True)
class DeadlineParams:
    """Validated overview parameters; `caseworker_id` 0 selects the unassigned items."""

    municipality_id: int | None = None
    caseworker_id: int | None = None
    state: str = "all"
    sort: str = "due"
    order: str | None = None

    @property
    def direction(self) -> str:
        """The effective sort direction (the column's natural one unless chosen)."""
        return self.order or NATURAL_ORDER[self.sort]


def load_params(raw: Mapping) -> DeadlineParams:
    """Validate query parameters (empty values count as missing); German InvalidInput on errors."""
    cleaned = {k: v for k, v in raw.items() if v != ""}
    try:
        return DeadlineParams(**DeadlineQuery().load(cleaned))
    except ValidationError as err:
        errors = {k: v[0] if isinstance(v, list) else str(v) for k, v in err.messages.items()}
        raise InvalidInput("Ungültige Angaben: " + " ".join(errors[k] for k in sorted(errors)), errors) from None
