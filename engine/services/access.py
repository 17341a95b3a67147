"""Who may see and do what: tenancy scoping shared by every query and service."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select
from sqlalchemy.orm import Session, lazyload

from engine.db import Case
from engine.errors import Forbidden, NotFound

ROLE_LABELS = {"caseworker": "Integrationsmanager/in", "supervisor": "Teamleitung",
               "compliance": "Fachaufsicht / Controlling", "admin": "Administration", "privacy": "Datenschutz"}
# Roles that see every organisation's cases (the district's coordination and compliance).
DISTRICT_WIDE = {"compliance", "admin"}
# Data protection reads every case too (export, access log), but none of the district's reports or rules.
ALL_CASES = DISTRICT_WIDE | {"privacy"}
CASE_EDITORS = {"caseworker", "supervisor"}


@dataclass(frozen=True)
class Actor:
    """The logged-in user as services see them."""

    id: int
    username: str
    display_name: str
    role: str
    organisation_id: int

    @property
    def is_supervisor(self) -> bool:
        """Supervisors assign and reassign work within their organisation."""
        return self.role == "supervisor"


def scope_cases(stmt: Select, actor: Actor) -> Select:
    """Restrict a query over Case to what the actor may see."""
    if actor.role in ALL_CASES:
        return stmt
    return stmt.where(Case.organisation_id == actor.organisation_id)


def visible_case(session: Session, actor: Actor, case_id: str, with_client: bool = True) -> Case:
    """Load a case the actor may see, else NotFound (never reveal that another tenant's case exists)."""
    options = () if with_client else (lazyload(Case.client),)
    case = session.get(Case, case_id, options=options) if _valid_id(case_id) else None
    if case is None or (actor.role not in ALL_CASES and case.organisation_id != actor.organisation_id):
        raise NotFound("Der Fall wurde nicht gefunden.")
    return case


def require_editor(actor: Actor) -> None:
    """Only caseworkers and supervisors change cases; compliance and admin read."""
    if actor.role not in CASE_EDITORS:
        raise Forbidden("Ihre Rolle darf Fälle nicht bearbeiten.")


def _valid_id(value: str) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 36
