"""Who may hand what over to whom, the read-only period setting, and the choices the handover forms offer."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from engine.base import Actor, record_event
from engine.db import HandoverBatch, HandoverCase, Municipality, OpenTask, Organisation, Setting, User
from engine.errors import Forbidden, InvalidInput, NotFound

READ_ONLY_DAYS_KEY = "handover_read_only_days"
DEFAULT_READ_ONLY_DAYS = 30
NOTE_MAX = 2000


@dataclass(frozen=True)
class HandoverRequest:
    """What the form asked for: kind (case | caseworker | municipality), its source, the target and the note."""

    kind: str
    note: str
    to_organisation_id: int | None = None
    to_user_id: int | None = None
    source_id: int | None = None      # caseworker or municipality id for the bulk kinds


@dataclass(frozen=True)
class Target:
    """The checked receiver: an organisation and, optionally, its caseworker."""

    organisation_id: int
    user_id: int | None


@dataclass(frozen=True)
class HandoverPreview:
    """A prepared bulk handover as the confirmation page shows it."""

    batch_id: str
    kind: str
    source: str
    from_organisation: str
    to_organisation: str
    to_user: str | None
    note: str
    cases: int
    open_tasks: int


def check_request(session, actor: Actor, request: HandoverRequest, from_org: int,
                  current: tuple[int, int | None] | None = None) -> Target:
    """Validate note and receiver (German messages per field); returns the receiver. Giving org: the actor's."""
    if actor.role != "admin" and from_org != actor.organisation_id:
        raise Forbidden("Sie können nur Fälle Ihrer eigenen Organisation übergeben.")
    errors = {}
    note = (request.note or "").strip()
    if not note:
        errors["note"] = "Bitte schreiben Sie eine Übergabenotiz für die übernehmende Stelle."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"Die Übergabenotiz darf höchstens {NOTE_MAX} Zeichen lang sein."
    target = None
    if request.to_user_id:
        person = session.get(User, request.to_user_id)
        if person is None or not person.active or person.role != "caseworker":
            errors["to_user_id"] = ("Bitte wählen Sie eine aktive Integrationsmanagerin / einen aktiven "
                                    "Integrationsmanager.")
        elif request.to_organisation_id and request.to_organisation_id != person.organisation_id:
            errors["to_user_id"] = "Diese Person gehört nicht zur gewählten Organisation."
        else:
            target = Target(person.organisation_id, person.id)
    elif request.to_organisation_id and session.get(Organisation, request.to_organisation_id) is not None:
        target = Target(request.to_organisation_id, None)
    else:
        errors["to_organisation_id"] = "Bitte wählen Sie, an wen übergeben wird (Person oder Organisation)."
    if target is not None and current is not None and (target.organisation_id, target.user_id) == current:
        errors["to_user_id"] = "Der Fall ist dort bereits zuständig."
    if target is not None and request.kind == "municipality" and target.organisation_id == from_org:
        errors["to_organisation_id"] = "Die Kommune wird bereits von dieser Organisation betreut."
    if request.kind == "caseworker" and target is not None and target.user_id == request.source_id:
        errors["to_user_id"] = "Bitte wählen Sie eine andere Person als die bisher zuständige."
    if errors:
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", errors, {"note": request.note})
    return target


def read_only_days(session) -> int:
    """Days the previous organisation keeps read-only access after a handover (stored setting over the default)."""
    stored = session.execute(select(Setting).where(Setting.key == READ_ONLY_DAYS_KEY)).scalar_one_or_none()
    return int(stored.value) if stored is not None else DEFAULT_READ_ONLY_DAYS


def set_read_only_days(uow, actor: Actor, days: int) -> None:
    """Admin changes the read-only period (applies to handovers from now on)."""
    with uow:
        if actor.role != "admin":
            raise Forbidden("Nur die Administration kann den Nur-Lese-Zeitraum ändern.")
        if not 0 <= days <= 365:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"days": "Bitte eine Zahl von 0 bis 365 Tagen angeben."})
        stored = uow.session.get(Setting, READ_ONLY_DAYS_KEY)
        before = stored.value if stored else DEFAULT_READ_ONLY_DAYS
        if stored is None:
            uow.session.add(Setting(key=READ_ONLY_DAYS_KEY, value=days))
        else:
            stored.value = days
        record_event(uow, "setting_changed", actor.id, None, key=READ_ONLY_DAYS_KEY, before=before, after=days)
        uow.commit()


def handover_choices(uow, actor: Actor) -> dict:
    """Options for the forms: receivers (all organisations and active caseworkers), sources in the actor's reach."""
    s = uow.session
    orgs = [(o.id, o.name) for o in s.execute(select(Organisation).order_by(Organisation.name)).scalars()]
    org_names = dict(orgs)
    workers = [(u.id, f"{u.display_name} ({org_names.get(u.organisation_id, '')})", u.organisation_id)
               for u in s.execute(select(User).where(User.role == "caseworker", User.active.is_(True))
                                  .order_by(User.display_name)).scalars()]
    own = [w for w in workers if actor.role == "admin" or w[2] == actor.organisation_id]
    towns = [(m.id, f"{m.name} ({org_names.get(m.organisation_id, '')})")
             for m in s.execute(select(Municipality).order_by(Municipality.name)).scalars()] \
        if actor.role == "admin" else []
    return {"organisations": orgs, "caseworkers": workers, "own_caseworkers": own, "municipalities": towns}


def handover_preview(uow, actor: Actor, batch_id: str) -> HandoverPreview:
    """A prepared batch of the actor's with its case and open-task counts."""
    s = uow.session
    batch = s.get(HandoverBatch, batch_id) if batch_id and len(batch_id) <= 36 else None
    if batch is None or batch.created_by != actor.id:
        raise NotFound("Diese Übergabe wurde nicht gefunden.")
    in_batch = select(HandoverCase.case_id).where(HandoverCase.batch_id == batch.id)
    cases = s.execute(select(func.count()).select_from(in_batch.subquery())).scalar_one()
    tasks = s.execute(select(func.count(OpenTask.id)).where(OpenTask.case_id.in_(in_batch))).scalar_one()
    if batch.kind == "municipality":
        source = s.get(Municipality, batch.municipality_id).name
    else:
        source = s.get(User, batch.from_user_id).display_name
    receiver = s.get(User, batch.to_user_id) if batch.to_user_id else None
    return HandoverPreview(batch.id, batch.kind, source, s.get(Organisation, batch.from_organisation_id).name,
                           s.get(Organisation, batch.to_organisation_id).name,
                           receiver.display_name if receiver else None, batch.note, cases, tasks)


__all__ = ["HandoverRequest", "Target", "HandoverPreview", "check_request", "read_only_days", "set_read_only_days",
           "handover_choices", "handover_preview", "READ_ONLY_DAYS_KEY", "DEFAULT_READ_ONLY_DAYS"]
