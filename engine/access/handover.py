"""Case handover: one case, a caseworker's cases or a municipality's cases move to another caseworker/organisation.

A handover is a batch: preparing it snapshots the cases with the version each had (`handover_case`); executing it
moves, in ONE transaction and with set-based statements, every case whose version is still the snapshot's
(optimistic locking: a case changed in between is reported as skipped and left untouched). Cases, open tasks,
read-only grants for the previous organisation, one `case_handed_over` event per case, the municipality's provider
and caseworker assignments and the receivers' inbox notifications commit together, or nothing does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Integer, String, and_, case, delete, exists, insert, literal, select, update

from engine.base import Actor, record_event, visible_case
from engine.db import (
    Case,
    CaseAccessGrant,
    HandoverBatch,
    HandoverCase,
    Municipality,
    OpenTask,
    Reminder,
    User,
    UserMunicipality,
    UtcDateTime,
    new_id,
)
from engine.errors import Conflict, Forbidden, NotFound

from .handover_rules import HandoverRequest, check_request, read_only_days

_CHUNK = 500  # ids per IN list: far below SQLite's variable limit


@dataclass(frozen=True)
class HandoverResult:
    """What an executed handover did: cases moved and the references of those skipped (changed meanwhile)."""

    batch_id: str
    handed_over: int
    skipped: list[str]


def hand_over_case(uow, actor: Actor, case_id: str, expected_version: int, request: HandoverRequest) -> HandoverResult:
    """Hand one case over (case page form); a case changed since the page was opened is refused, nothing written."""
    with uow:
        source = visible_case(uow.session, actor, case_id, with_client=False)
        if actor.role not in ("supervisor", "admin"):
            raise Forbidden("Nur die Teamleitung oder die Administration kann Fälle übergeben.")
        target = check_request(uow.session, actor, request, source.organisation_id,
                               current=(source.organisation_id, source.responsible_user_id))
        batch = _new_batch(uow, actor, "case", source.organisation_id, request, target)
        uow.session.add(HandoverCase(batch_id=batch.id, case_id=source.id, version=expected_version,
                                     from_user_id=source.responsible_user_id))
        uow.session.flush()
        result = _execute(uow, actor, batch)
        if result.skipped:
            raise Conflict("Der Fall wurde inzwischen von jemand anderem geändert und nicht übergeben. "
                           "Bitte laden Sie die Seite neu und übergeben Sie ihn erneut.")
        uow.commit()
        return result


def prepare_handover(uow, actor: Actor, request: HandoverRequest) -> str:
    """Snapshot the open cases of a caseworker or municipality for a bulk handover; returns the batch id."""
    with uow:
        s = uow.session
        if actor.role not in ("supervisor", "admin"):
            raise Forbidden("Nur die Teamleitung oder die Administration kann Fälle übergeben.")
        if request.kind == "caseworker":
            person = s.get(User, request.source_id) if request.source_id else None
            if person is None or person.role != "caseworker" or (
                    actor.role != "admin" and person.organisation_id != actor.organisation_id):
                raise NotFound("Diese Integrationsmanagerin / dieser Integrationsmanager wurde nicht gefunden.")
            from_org = person.organisation_id
            chosen = and_(Case.responsible_user_id == person.id, Case.organisation_id == from_org)
        elif request.kind == "municipality":
            if actor.role != "admin":
                raise Forbidden("Den Trägerwechsel einer Kommune kann nur die Administration durchführen.")
            town = s.get(Municipality, request.source_id) if request.source_id else None
            if town is None:
                raise NotFound("Die Kommune wurde nicht gefunden.")
            from_org = town.organisation_id
            chosen = and_(Case.municipality_id == town.id, Case.organisation_id == from_org)
        else:
            raise NotFound("Diese Art der Übergabe gibt es nicht.")
        target = check_request(s, actor, request, from_org)
        batch = _new_batch(uow, actor, request.kind, from_org, request, target)
        s.flush()
        s.execute(insert(HandoverCase).from_select(
            ["batch_id", "case_id", "version", "from_user_id"],
            select(literal(batch.id, String), Case.id, Case.version, Case.responsible_user_id)
            .where(chosen, Case.status == "open")))
        uow.commit()
        return batch.id


def execute_handover(uow, actor: Actor, batch_id: str) -> HandoverResult:
    """Carry out a prepared bulk handover (only by the person who prepared it)."""
    with uow:
        batch = uow.session.get(HandoverBatch, batch_id) if batch_id and len(batch_id) <= 36 else None
        if batch is None or batch.created_by != actor.id:
            raise NotFound("Diese Übergabe wurde nicht gefunden.")
        # Claim the batch first: of two confirmations (double click, two tabs) exactly one carries it out.
        claimed = uow.session.execute(update(HandoverBatch).where(HandoverBatch.id == batch.id,
                                                                  HandoverBatch.status == "prepared")
                                      .values(status="running").execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            raise Conflict("Diese Übergabe wurde bereits ausgeführt.")
        result = _execute(uow, actor, batch)
        uow.commit()
        return result


def _new_batch(uow, actor: Actor, kind: str, from_org: int, request: HandoverRequest, target) -> HandoverBatch:
    batch = HandoverBatch(id=new_id(), kind=kind, status="prepared", created_by=actor.id,
                          created_at=uow.clock.now(), from_organisation_id=from_org,
                          from_user_id=request.source_id if kind == "caseworker" else None,
                          municipality_id=request.source_id if kind == "municipality" else None,
                          to_organisation_id=target.organisation_id, to_user_id=target.user_id,
                          note=request.note.strip(),
                          handed_over=0, skipped=0)
    uow.session.add(batch)
    return batch


def _execute(uow, actor: Actor, batch: HandoverBatch) -> HandoverResult:
    s, now = uow.session, uow.clock.now()
    to_org, to_user = batch.to_organisation_id, batch.to_user_id
    snapshot = exists().where(HandoverCase.batch_id == batch.id, HandoverCase.case_id == Case.id,
                              HandoverCase.version == Case.version)
    # The version check and the bump are one statement: a completion that committed first wins, this case is
    # skipped; one that comes later waits for this transaction and then finds a new version.
    moved = [r[0] for r in s.execute(
        update(Case).where(snapshot, Case.organisation_id == batch.from_organisation_id)
        .values(organisation_id=to_org, responsible_user_id=to_user, version=Case.version + 1, updated_at=now)
        .returning(Case.id).execution_options(synchronize_session=False))]
    for i in range(0, len(moved), _CHUNK):
        s.execute(update(HandoverCase).where(HandoverCase.batch_id == batch.id,
                                             HandoverCase.case_id.in_(moved[i:i + _CHUNK]))
                  .values(outcome="handed_over").execution_options(synchronize_session=False))
    s.execute(update(HandoverCase).where(HandoverCase.batch_id == batch.id, HandoverCase.outcome.is_(None))
              .values(outcome="skipped").execution_options(synchronize_session=False))
    done = select(HandoverCase.case_id).where(HandoverCase.batch_id == batch.id,
                                              HandoverCase.outcome == "handed_over")
    # Open tasks follow the case: the new caseworker's, or the receiving team's pool until its supervisor assigns.
    s.execute(update(OpenTask).where(OpenTask.case_id.in_(done))
              .values(organisation_id=to_org,
                      assignee_id=case((OpenTask.role == "caseworker", to_user), else_=None) if to_user else None)
              .execution_options(synchronize_session=False))
    if batch.from_organisation_id != to_org:
        until = now + timedelta(days=read_only_days(s))
        s.execute(insert(CaseAccessGrant).from_select(
            ["case_id", "organisation_id", "until", "batch_id", "previous_user_id"],
            select(HandoverCase.case_id, literal(batch.from_organisation_id, Integer),
                   literal(until, UtcDateTime()), HandoverCase.batch_id, HandoverCase.from_user_id)
            .where(HandoverCase.batch_id == batch.id, HandoverCase.outcome == "handed_over")))
    rows = s.execute(select(HandoverCase.case_id, HandoverCase.from_user_id, Case.reference)
                     .join(Case, Case.id == HandoverCase.case_id).where(HandoverCase.batch_id == batch.id)
                     .order_by(Case.reference)).all()
    moved_set = set(moved)
    for row in rows:
        if row.case_id in moved_set:
            # responsible_user_id: the compliance rule "one responsible caseworker" reads it from this event.
            record_event(uow, "case_handed_over", actor.id, row.case_id, from_org=batch.from_organisation_id,
                         to_org=to_org, from_user=row.from_user_id, to_user=to_user, responsible_user_id=to_user,
                         note=batch.note, batch_id=batch.id, actor=actor.id)
    if batch.kind == "municipality":
        _change_provider(uow, actor, batch)
    if to_user:
        _serve_municipalities(uow, batch)
    _notify(uow, batch, [r for r in rows if r.case_id in moved_set])
    skipped = [r.reference for r in rows if r.case_id not in moved_set]
    s.execute(update(HandoverBatch).where(HandoverBatch.id == batch.id)
              .values(status="done", executed_at=now, handed_over=len(moved), skipped=len(skipped))
              .execution_options(synchronize_session=False))
    return HandoverResult(batch.id, len(moved), skipped)


def _change_provider(uow, actor: Actor, batch: HandoverBatch) -> None:
    """The municipality's new provider; the old provider's caseworkers stop serving it, the named one starts."""
    s = uow.session
    s.execute(update(Municipality).where(Municipality.id == batch.municipality_id)
              .values(organisation_id=batch.to_organisation_id).execution_options(synchronize_session=False))
    old_staff = select(User.id).where(User.organisation_id == batch.from_organisation_id)
    s.execute(delete(UserMunicipality).where(UserMunicipality.municipality_id == batch.municipality_id,
                                             UserMunicipality.user_id.in_(old_staff))
              .execution_options(synchronize_session=False))
    if batch.to_user_id and s.execute(select(UserMunicipality.id).where(
            UserMunicipality.user_id == batch.to_user_id,
            UserMunicipality.municipality_id == batch.municipality_id)).first() is None:
        s.add(UserMunicipality(user_id=batch.to_user_id, municipality_id=batch.municipality_id))
    record_event(uow, "municipality_provider_changed", actor.id, None, municipality_id=batch.municipality_id,
                 from_org=batch.from_organisation_id, to_org=batch.to_organisation_id, batch_id=batch.id,
                 note=batch.note)


def _serve_municipalities(uow, batch: HandoverBatch) -> None:
    """The receiving caseworker now serves the moved cases' municipalities (rule: responsible serves the town)."""
    towns = (select(Case.municipality_id).join(HandoverCase, HandoverCase.case_id == Case.id)
             .where(HandoverCase.batch_id == batch.id, HandoverCase.outcome == "handed_over").distinct())
    served = select(UserMunicipality.municipality_id).where(UserMunicipality.user_id == batch.to_user_id)
    missing = uow.session.execute(towns.where(Case.municipality_id.not_in(served))).scalars().all()
    for town in missing:
        uow.session.add(UserMunicipality(user_id=batch.to_user_id, municipality_id=town))


def _notify(uow, batch: HandoverBatch, moved_rows) -> None:
    """One inbox entry per receiver and batch (not per case): the receiving supervisors and the named caseworker."""
    if not moved_rows:
        return
    s = uow.session
    receivers = set(s.execute(select(User.id).where(User.organisation_id == batch.to_organisation_id,
                                                    User.role == "supervisor", User.active.is_(True))).scalars())
    if batch.to_user_id:
        receivers.add(batch.to_user_id)
    receivers.discard(batch.created_by)
    count = len(moved_rows)
    what = f"Fall {moved_rows[0].reference}" if count == 1 else f"{count} Fälle"
    title = f"Fallübergabe: {what} an Sie übergeben – {batch.note}"
    for user_id in sorted(receivers):
        s.add(Reminder(case_id=moved_rows[0].case_id, task_id=None, kind="handover", stage="info",
                       period=batch.id, recipient_id=user_id, title=title[:300], due_on=uow.clock.today(),
                       created_at=uow.clock.now()))


__all__ = ["HandoverResult", "hand_over_case", "prepare_handover", "execute_handover"]
