"""Task services: complete, claim, unclaim and assign — each one transaction with an audit event."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from engine.base import (
    Actor,
    bump_case_version,
    close_case,
    ensure_processing_allowed,
    record_event,
    require_editor,
    visible_case,
)
from engine.clock import BERLIN
from engine.db import CompletedTask, Event, OpenTask, User
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, WorkflowFailure
from engine.forms import parse_submission

from .case_processes import finish_process
from .form_options import form_for, form_version
from .plan_effects import GOAL_STEPS, apply_effects, goals_of, prepare_data
from .step_failures import clear_step_failure, record_step_failure
from .workflow_steps import process_ref, workflow_of


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
    with uow:
        require_editor(actor)
        case = visible_case(uow.session, actor, case_id, with_client=False)  # 404 before touching anything
        if not bump_case_version(uow, case_id, expected_version):
            raise _conflict_message(uow, case_id, task_id)
        # The bump went through Core; tell the loaded object without issuing another UPDATE.
        set_committed_value(case, "version", expected_version + 1)
        task = uow.session.get(OpenTask, task_id)
        if task is None or task.case_id != case.id:
            if uow.session.get(CompletedTask, task_id) is not None:
                raise _conflict_message(uow, case_id, task_id)
            raise NotFound("Die Aufgabe wurde nicht gefunden.")
        _check_may_work_on(actor, task)
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
        with workflow_of(uow, case, expected_version, process) as (model, workflow):
            uow.runtime.complete(workflow, task_id, data)
            finished = uow.runtime.is_completed(workflow)
            reason = uow.runtime.closure_reason(model, workflow) if finished else None
        uow.session.add(CompletedTask(id=task.id, case_id=case.id, process_id=process.id, task_spec=task.task_spec,
                                      title=task.title, form_key=task.form_key, step=task.step,
                                      completed_by=actor.id, completed_at=uow.clock.now(), due_on=task.due_on,
                                      data=data))
        clear_step_failure(uow, case.id)
        record_event(uow, "task_completed", actor.id, case.id, task_id=task.id, task=task.task_spec,
                     title=task.title, form=task.form_key, form_version=form_version(uow, task.form_key))
        apply_effects(uow, case, task.step, data, actor.id, goals)
        if finished and process.journey and case.status != "closed":
            close_case(uow, case, reason or "other", uow.clock.today(), actor.id)
        elif finished and not process.journey:
            finish_process(uow, case, process.id, actor.id)
        title = task.title
        uow.commit()
        return title


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
