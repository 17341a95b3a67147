"""Task services: complete, claim, unclaim and assign — each one transaction with an audit event."""
from __future__ import annotations

import json
from typing import NamedTuple

from sqlalchemy import and_, bindparam, func, insert, inspect, select, update
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import (
    ANY_WEBHOOK,
    FORMS_GENERATION,
    HEAD_HASH,
    HEAD_SEQ,
    Actor,
    close_case,
    ensure_processing_allowed,
    ensure_visible,
    expect_head,
    prepare_events,
    record_event,
    require_editor,
    send_case_claim,
    visible_case,
)
from engine.clock import BERLIN
from engine.db import (
    Case,
    CompletedTask,
    DeferredWrites,
    EncodedJson,
    Event,
    OpenTask,
    Prebuilt,
    PrebuiltRead,
    StepFailure,
    User,
    UserMunicipality,
    attach_loaded,
    insert_new_objects,
    pipelined,
)
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, WorkflowFailure
from engine.forms import parse_submission

from .case_processes import finish_process
from .completion_event import completion_event_payload
from .form_options import form_for, form_version
from .plan_effects import (
    DATABASE_EFFECT_STEPS,
    GOAL_STEPS,
    apply_database_effects,
    apply_effects,
    goals_of,
    prepare_data,
    write_goal_changes,
)
from .step_failures import clear_step_failure, record_step_failure
from .workflow_steps import compute_step, process_ref, write_step


class _TaskRow(NamedTuple):
    """The open task being completed, as read with its case."""

    id: str
    case_id: str
    process_id: str | None
    task_spec: str
    title: str
    form_key: str | None
    role: str | None
    step: str | None
    needs_consent: bool
    assignee_id: int | None
    due_on: object


_OPEN, _ASSIGNED = OpenTask.__table__, OpenTask.__table__.alias("assigned")
_SIBLING = OpenTask.__table__.alias("sibling")  # the open tasks of the task's process (the projection's "before")
_CASE = Case.__table__
_CASE_ATTRIBUTES = tuple((attr.key, attr.columns[0]) for attr in Case.__mapper__.column_attrs)
# The completion's one read: case, the open task, the forms' generation, the caseworker's reach flags, and what
# spares statements under the lock: the chain head and the webhook answer (event_chain.expect_head), and whether
# a step failure is recorded for the case (only then is it cleared). One row per open task of the task's process
# (the projection compares the step's ready tasks with them), so no second SELECT is needed for those. Prebuilt
# on the driver (engine.db.prebuilt_read): the ORM's query machinery cost four times the driver's time here.
_LOAD = PrebuiltRead(
    select(*(column.label(f"c_{key}") for key, column in _CASE_ATTRIBUTES),
           *(_OPEN.c[name].label(f"t_{name}") for name in _TaskRow._fields),
           FORMS_GENERATION.scalar_subquery().label("forms_generation"),
           HEAD_SEQ.label("head_seq"), HEAD_HASH.label("head_hash"), ANY_WEBHOOK.label("any_webhook"),
           select(StepFailure.case_id).where(StepFailure.case_id == _CASE.c.id).exists().label("has_failure"),
           select(UserMunicipality.id).where(UserMunicipality.user_id == bindparam("actor"),
                                             UserMunicipality.municipality_id == _CASE.c.municipality_id)
           .exists().label("serves"),
           select(_ASSIGNED.c.id).where(_ASSIGNED.c.case_id == _CASE.c.id,
                                        _ASSIGNED.c.assignee_id == bindparam("actor")).exists().label("assigned"),
           _SIBLING.c.id.label("sibling_id"), _SIBLING.c.due_on.label("sibling_due_on"))
    .select_from(_CASE)
    .outerjoin(_OPEN, and_(_OPEN.c.id == bindparam("task"), _OPEN.c.case_id == _CASE.c.id))
    .outerjoin(_SIBLING, _SIBLING.c.process_id == func.coalesce(_OPEN.c.process_id, _CASE.c.id))
    .where(_CASE.c.id == bindparam("case")))
_AT = {key: index for index, key in enumerate(_LOAD.keys)}
_CASE_AT = tuple((key, _AT[f"c_{key}"]) for key, _column in _CASE_ATTRIBUTES)
_TASK_AT = tuple(_AT[f"t_{name}"] for name in _TaskRow._fields)
_INSERT_COMPLETED = Prebuilt(insert(CompletedTask.__table__))
_CASE_COLUMNS = frozenset(Case.__table__.c.keys()) - {"id", "version", "updated_at"}


def _conflict_message(uow, case_id: str, task_id: str) -> Conflict:
    done = uow.session.get(CompletedTask, task_id)
    if done is not None:
        who = uow.session.get(User, done.completed_by) if done.completed_by else None
        name = who.display_name if who else "einer anderen Person"
        return Conflict(f"Diese Aufgabe wurde bereits von {name} am "
                        f"{done.completed_at.astimezone(BERLIN):%d.%m.%Y um %H:%M} Uhr erledigt.")
    # Name who changed the case last, so the person knows whom to ask before resubmitting.
    last = uow.session.execute(select(Event.actor_id, Event.at).where(Event.case_id == case_id,
                                                                     Event.actor_id.is_not(None))
                               .order_by(Event.id.desc()).limit(1)).first()
    who = uow.session.get(User, last.actor_id) if last else None
    latest = (f" Zuletzt geändert von {who.display_name} am {last.at.astimezone(BERLIN):%d.%m.%Y um %H:%M} Uhr."
              if who else "")
    return Conflict("Der Fall wurde inzwischen von jemand anderem geändert." + latest + " Ihre Eingaben sind noch "
                    "da – bitte prüfen und erneut absenden.")


def complete_task(uow, case_id: str, task_id: str, raw, actor: Actor, expected_version: int) -> str:
    """Validate the submitted form and complete the user task; returns the task's title.

    When a script or condition of the process fails, nothing of the completion is kept, but the failure is
    recorded afterwards in its own transaction (engine.casework.step_failures) for the supervisors' repair list.
    """
    try:
        return _complete_task(uow, case_id, task_id, raw, actor, expected_version)
    except WorkflowFailure as exc:
        record_step_failure(uow, case_id, task_id, exc.details.get("element_id"), exc.message, actor.id)
        raise


def _complete_task(uow, case_id: str, task_id: str, raw, actor: Actor, expected_version: int) -> str:
    # Everything up to the writes happens before the write lock is taken (reads only; the session must not
    # autoflush): loading, checks, form validation, the workflow step and its delta. The version claim that opens
    # the writes is the guard: if someone changed the case meanwhile, nothing computed here is written.
    with uow.lock_late():
        require_editor(actor)
        session = uow.session
        with session.no_autoflush:
            case, task, has_failure, open_before = _load_for_completion(uow, actor, case_id, task_id,
                                                                        expected_version)
            if task.step != "closure":  # closing stays possible after a consent withdrawal
                ensure_processing_allowed(case)
            form = form_for(uow, task.form_key, case)
            result = parse_submission(form, raw, uow.clock.today())
            if not result.ok:
                raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", result.errors, result.values)
            if task.needs_consent and case.consent_date is None:
                raise Forbidden("Ohne dokumentierte Einwilligung dürfen keine weiteren Daten gespeichert werden.")
            goals = goals_of(uow, case) if task.step in GOAL_STEPS else {}
            data = prepare_data(uow, case, task.step, result.data, goals)
            process = process_ref(uow, case, task.process_id)
            try:
                step = compute_step(uow, case, expected_version, process, task_id, data, open_before)
            except Conflict:
                # Without the lock a read may come after a concurrent completion committed (PostgreSQL reads
                # each statement's latest state): the workflow no longer has the task. Answer as the guard would.
                if session.get(CompletedTask, task_id) is not None:
                    raise _conflict_message(uow, case_id, task_id) from None
                raise
            record_event(uow, "task_completed", actor.id, case.id,
                         **completion_event_payload(task, form_version(uow, task.form_key), step))
            now, data_json = uow.clock.now(), EncodedJson(json.dumps(data))
            apply_effects(uow, case, task.step, data, actor.id, goals)
            changed = _case_changes(case)
            # The writes are bound here, outside the lock (SQL, parameters, JSON); under it only the driver works.
            conn = session.connection()
            writes = DeferredWrites(conn)
            claim = send_case_claim(writes, case.id, expected_version, now, changed)
            write_step(uow, case, step, expected_version, writes)
            insert_new_objects(session, writes)  # the effects' new goals and assessment areas, without the flush
            _INSERT_COMPLETED(writes, dict(
                id=task.id, case_id=case.id, process_id=process.id, task_spec=task.task_spec, title=task.title,
                form_key=task.form_key, step=task.step, completed_by=actor.id, completed_at=now,
                due_on=task.due_on, data=data_json))
            write_goal_changes(writes, goals)
            if has_failure:
                # Known from the first read. A failure recorded after it (a concurrent completion of the same case
                # failing within this one's compute time) stays listed until the case's next step or a repair.
                clear_step_failure(uow, case.id, writes)
            prepare_events(session, writes)  # chained from the head read first; its guarded move goes out last
            # The claim writes these columns; the flush must not write them again. Should the claim be lost, the
            # rollback that answers it expires them anyway.
            for name, value in (*changed.items(), ("version", expected_version + 1), ("updated_at", now)):
                set_committed_value(case, name, value)
            written_already = task.step not in DATABASE_EFFECT_STEPS and not step.finished
            # Nothing left to flush (the claim wrote every change; Session.is_modified would compute each
            # attribute's history to say the same): out of the session, the commit's flush need not walk it.
            if written_already and not inspect(case).committed_state:
                session.expunge(case)
        uow.lock_for_write()
        failure = None
        try:
            # PostgreSQL: the version claim and the step's rows go out in one round trip; the claim's answer is
            # read when the block has ended (a lost race then rolls all of it back). SQLite runs them one by one.
            with pipelined(conn):
                writes.send()
        except Exception as exc:  # noqa: BLE001 - re-raised below unless the claim was lost
            failure = exc
        claimed = claim.rowcount  # -1: unknown (the pipeline broke off first, or the claim was never sent)
        claim.close()
        if claimed == 0:
            # Lost the race after computing: answer as before. The writes after a lost claim may have failed on
            # what the winner wrote; that is part of losing, not an error of its own.
            raise _lost_race(uow, case_id, task_id) from None
        if failure is not None:
            raise failure
        if task.step in DATABASE_EFFECT_STEPS:
            apply_database_effects(uow, case, task.step, data, actor.id, goals)
            write_goal_changes(conn, goals)  # the closure's final evaluations
        if step.finished and process.journey and case.status != "closed":
            close_case(uow, case, step.closure_reason or "other", uow.clock.today(), actor.id)
        elif step.finished and not process.journey:
            finish_process(uow, case, process.id, actor.id)
        title = task.title
        uow.commit()
        return title


def _lost_race(uow, case_id: str, task_id: str) -> Conflict:
    """The conflict answer after a lost version claim; what this completion wrote so far is rolled back first,
    so the answer names the winner's completion, not its own."""
    uow.session.rollback()
    return _conflict_message(uow, case_id, task_id)


def _load_for_completion(uow, actor: Actor, case_id: str, task_id: str, expected_version: int):
    """The case (visible to the actor, still at the form's version), its open task and the open tasks of that
    task's process (id → due date), in one query."""
    session = uow.session
    rows = _LOAD.rows(session.connection(), {"case": case_id, "task": task_id, "actor": actor.id}) \
        if _valid_id(case_id) and _valid_id(task_id) else []
    row = rows[0] if rows else None
    case = attach_loaded(session, Case, {key: row[index] for key, index in _CASE_AT}) if row else None
    ensure_visible(actor, case, bool(row and row[_AT["serves"]]), bool(row and row[_AT["assigned"]]))  # 404 first
    uow.forms_at(row[_AT["forms_generation"]])
    if case.version != expected_version:
        raise _conflict_message(uow, case_id, task_id)
    if row[_AT["t_id"]] is None:
        if session.get(CompletedTask, task_id) is not None:
            raise _conflict_message(uow, case_id, task_id)
        raise NotFound("Die Aufgabe wurde nicht gefunden.")
    task = _TaskRow(*(row[index] for index in _TASK_AT))
    _check_may_work_on(actor, task)
    expect_head(session, row[_AT["head_seq"]], row[_AT["head_hash"]], row[_AT["any_webhook"]])
    sibling, due = _AT["sibling_id"], _AT["sibling_due_on"]
    open_before = {r[sibling]: r[due] for r in rows if r[sibling] is not None}
    return case, task, bool(row[_AT["has_failure"]]), open_before


def _case_changes(case: Case) -> dict:
    """The case's columns changed by the step (projection fields, effects), to be written with the version claim."""
    state = inspect(case)
    return {name: getattr(case, name) for name in state.committed_state if name in _CASE_COLUMNS}


def _valid_id(value: str) -> bool:
    return isinstance(value, str) and 0 < len(value) <= 36


def _check_may_work_on(actor: Actor, task: OpenTask) -> None:
    if task.role == "supervisor" and actor.role != "supervisor":
        raise Forbidden("Diese Aufgabe ist der Teamleitung vorbehalten.")
    if task.assignee_id not in (None, actor.id) and not actor.is_supervisor:
        raise Forbidden("Diese Aufgabe ist einer anderen Person zugewiesen. Bitte wenden Sie sich an die Teamleitung.")


def _open_task_for(uow, actor: Actor, task_id: str) -> OpenTask:
    task = uow.session.get(OpenTask, task_id) if task_id and len(task_id) <= 36 else None
    if task is None:
        raise NotFound("Die Aufgabe wurde nicht gefunden oder ist bereits erledigt.")
    ensure_processing_allowed(visible_case(uow.session, actor, task.case_id))
    return task


def claim_task(uow, task_id: str, actor: Actor) -> None:
    """Take an unassigned task from the team pool."""
    with uow:
        require_editor(actor)
        task = _open_task_for(uow, actor, task_id)
        _check_may_work_on(actor, task)
        if task.assignee_id == actor.id:
            return
        if task.assignee_id is not None:
            raise Conflict("Die Aufgabe wurde inzwischen von jemand anderem übernommen.")
        claimed = uow.session.execute(update(OpenTask).where(OpenTask.id == task_id, OpenTask.assignee_id.is_(None))
                                      .values(assignee_id=actor.id).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:
            raise Conflict("Die Aufgabe wurde inzwischen von jemand anderem übernommen.")
        record_event(uow, "task_claimed", actor.id, task.case_id, task_id=task_id, title=task.title,
                     before=None, after=actor.id)
        uow.commit()


def unclaim_task(uow, task_id: str, actor: Actor) -> None:
    """Give a task back to the team pool (own tasks; supervisors for anyone)."""
    with uow:
        require_editor(actor)
        task = _open_task_for(uow, actor, task_id)
        if task.assignee_id != actor.id and not actor.is_supervisor:
            raise Forbidden("Sie können nur eigene Aufgaben freigeben.")
        before, task.assignee_id = task.assignee_id, None
        record_event(uow, "task_unclaimed", actor.id, task.case_id, task_id=task_id, title=task.title,
                     before=before, after=None)
        uow.commit()


def assign_task(uow, task_id: str, assignee_id: int, actor: Actor) -> str:
    """Supervisor assigns a task to a colleague of the same organisation; returns the assignee's name."""
    with uow:
        if not actor.is_supervisor:
            raise Forbidden("Nur die Teamleitung kann Aufgaben zuweisen.")
        task = _open_task_for(uow, actor, task_id)
        assignee = uow.session.get(User, assignee_id)
        if assignee is None or not assignee.active or assignee.organisation_id != task.organisation_id \
                or assignee.role not in ("caseworker", "supervisor"):
            raise InvalidInput("Bitte wählen Sie eine Person Ihrer Organisation.",
                               {"assignee_id": "Diese Person kann die Aufgabe nicht übernehmen."})
        if task.role == "supervisor" and assignee.role != "supervisor":
            raise InvalidInput("Diese Aufgabe ist der Teamleitung vorbehalten.",
                               {"assignee_id": "Nur Teamleitungen können diese Aufgabe erledigen."})
        before = task.assignee_id
        task.assignee_id = assignee.id
        record_event(uow, "task_assigned", actor.id, task.case_id, task_id=task_id, title=task.title,
                     before=before, after=assignee.id)
        uow.commit()
        return assignee.display_name


def colleagues(uow, actor: Actor) -> list[User]:
    """People of the actor's organisation who can take tasks (for the assign dropdown)."""
    return list(uow.session.execute(select(User).where(User.organisation_id == actor.organisation_id,
                                                       User.active.is_(True),
                                                       User.role.in_(("caseworker", "supervisor")))
                                    .order_by(User.display_name)).scalars())
