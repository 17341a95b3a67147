"""Who may see and do what: tenancy scoping shared by every query and service."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, lazyload

from engine.clock import BERLIN
from engine.db import Case, CaseAccessGrant, OpenTask, UserMunicipality
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
    stmt = stmt.where(Case.organisation_id == actor.organisation_id)
    return stmt.where(caseworker_reach(actor)) if actor.role == "caseworker" else stmt


def visible_case(session: Session, actor: Actor, case_id: str, with_client: bool = True) -> Case:
    """Load a case the actor may see, else NotFound (never reveal that another tenant's case exists)."""
    options = () if with_client else (lazyload(Case.client),)
    case = session.get(Case, case_id, options=options) if _valid_id(case_id) else None
    if case is None or (actor.role not in ALL_CASES and case.organisation_id != actor.organisation_id):
        raise NotFound("Der Fall wurde nicht gefunden.")
    if actor.role == "caseworker" and not _reaches(session, actor, case):
        raise NotFound("Der Fall wurde nicht gefunden.")
    return case


def ensure_visible(actor: Actor, case: Case | None, serves: bool, assigned: bool) -> None:
    """visible_case's rule for a case the caller loaded itself, with whether the actor serves its municipality
    and has one of its tasks (so one query can load case, task and reach together); NotFound otherwise."""
    if case is None or (actor.role not in ALL_CASES and case.organisation_id != actor.organisation_id):
        raise NotFound("Der Fall wurde nicht gefunden.")
    if actor.role == "caseworker" and not (case.responsible_user_id == actor.id or serves or assigned):
        raise NotFound("Der Fall wurde nicht gefunden.")


# --- caseworker scope and the read-only period after a handover (issue 7) ---

def caseworker_reach(actor: Actor):
    """A caseworker's cases within the organisation: served municipalities, own responsibility, tasks assigned.

    Each branch walks an index (municipality/status, responsible/status, open-task assignee), so lists stay
    index-driven; the assigned-task branch keeps a task a supervisor gave to a stand-in reachable.
    """
    served = select(UserMunicipality.municipality_id).where(UserMunicipality.user_id == actor.id)
    assigned = select(OpenTask.case_id).where(OpenTask.assignee_id == actor.id)
    return or_(Case.municipality_id.in_(served), Case.responsible_user_id == actor.id, Case.id.in_(assigned))


def scope_open_tasks(stmt: Select, actor: Actor) -> Select:
    """Restrict a query over OpenTask to the tasks of cases the actor may see (worklist, filters)."""
    if actor.role in ALL_CASES:
        return stmt
    stmt = stmt.where(OpenTask.organisation_id == actor.organisation_id)
    if actor.role != "caseworker":
        return stmt
    served = select(UserMunicipality.municipality_id).where(UserMunicipality.user_id == actor.id)
    responsible = select(Case.id).where(Case.responsible_user_id == actor.id, Case.status == "open")
    return stmt.where(or_(OpenTask.municipality_id.in_(served), OpenTask.assignee_id == actor.id,
                          OpenTask.case_id.in_(responsible)))


def read_only_until(session: Session, actor: Actor, case: Case, now: datetime) -> datetime | None:
    """End of the actor's read-only access to a case their organisation handed over, or None (no access)."""
    if actor.role in DISTRICT_WIDE or case.organisation_id == actor.organisation_id:
        return None
    stmt = select(func.max(CaseAccessGrant.until)).where(
        CaseAccessGrant.case_id == case.id, CaseAccessGrant.organisation_id == actor.organisation_id,
        CaseAccessGrant.until > now)
    if actor.role == "caseworker":
        serves = session.execute(select(UserMunicipality.id).where(
            UserMunicipality.user_id == actor.id, UserMunicipality.municipality_id == case.municipality_id)).first()
        if serves is None:
            stmt = stmt.where(CaseAccessGrant.previous_user_id == actor.id)
    return session.execute(stmt).scalar_one_or_none()


def readable_case(uow, actor: Actor, case_id: str, with_client: bool = True) -> Case:
    """A case the actor may see, or read within their organisation's read-only period after a handover."""
    try:
        return visible_case(uow.session, actor, case_id, with_client)
    except NotFound:
        case = uow.session.get(Case, case_id) if _valid_id(case_id) else None
        if case is None or read_only_until(uow.session, actor, case, uow.clock.now()) is None:
            raise
        return case


def read_only_refusal(until: datetime) -> str:
    """The German refusal of a write to a case the actor's organisation handed over (read-only period)."""
    return ("Dieser Fall wurde an eine andere Organisation übergeben. Sie haben bis "
            f"{until.astimezone(BERLIN):%d.%m.%Y} nur Lesezugriff; Änderungen sind nicht mehr möglich.")


def _reaches(session: Session, actor: Actor, case: Case) -> bool:
    if case.responsible_user_id == actor.id:
        return True
    served = session.execute(select(UserMunicipality.id).where(
        UserMunicipality.user_id == actor.id, UserMunicipality.municipality_id == case.municipality_id)).first()
    return served is not None or session.execute(select(OpenTask.id).where(
        OpenTask.case_id == case.id, OpenTask.assignee_id == actor.id)).first() is not None


def require_editor(actor: Actor) -> None:
    """Only caseworkers and supervisors change cases; compliance and admin read."""
    if actor.role not in CASE_EDITORS:
        raise Forbidden("Ihre Rolle darf Fälle nicht bearbeiten.")


def _valid_id(value: str) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 36
