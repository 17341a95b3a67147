"""Forms with run-time choices (e.g. the municipalities a user may open cases for)."""
from __future__ import annotations

from sqlalchemy import select

from engine.base import DISTRICT_WIDE
from engine.db import Case, Municipality
from engine.errors import NotFound
from engine.forms import FormError, parse_form, with_options

# What a task without a form (a manual task) shows: nothing to fill in, it is confirmed as done.
NO_FORM = parse_form({"id": "ohne_formular", "type": "default", "components": [],
                      "properties": {"title": "Erledigt bestätigen"}})


def municipality_choices(uow, organisation_id: int, role: str) -> list[tuple[str, str]]:
    """Municipalities whose cases the organisation works (all of them for district-wide roles)."""
    stmt = select(Municipality).order_by(Municipality.name)
    if role not in DISTRICT_WIDE:
        stmt = stmt.where(Municipality.organisation_id == organisation_id)
    return [(str(m.id), m.name) for m in uow.session.execute(stmt).scalars()]


def form_for(uow, form_key: str | None, case: Case | None = None, actor=None):
    """The form definition for a task, with run-time options filled in (an empty form for a task without one)."""
    if not form_key:
        return NO_FORM
    try:
        form = uow.forms.get(form_key or "")
    except FormError as exc:
        raise NotFound(f"Das Formular '{form_key}' ist nicht vorhanden.") from exc
    if actor is not None:
        form = with_options(form, "municipalities", municipality_choices(uow, actor.organisation_id, actor.role))
    return form


def form_version(uow, form_key: str | None) -> int | None:
    """The deployed version of the form a user filled in (None when forms come from files), for the audit event."""
    version_of = getattr(uow.forms, "version_of", None)
    return version_of(form_key) if version_of and form_key else None
