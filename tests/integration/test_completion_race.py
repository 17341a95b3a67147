"""Completions computed outside the write lock: when two race on one case, the version claim lets exactly one
write, the other gets the conflict a stale form gets, and nothing of the loser is kept."""
from __future__ import annotations

import threading

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine.audit import verify_chain
from engine.casework import complete_task, start_process, task_form
from engine.casework.step_failures import record_step_failure
from engine.db import Case, CompletedTask, Event, OpenTask, Prebuilt, StepFailure, WebhookDelivery
from engine.errors import Conflict
from engine.time import register_webhook
from engine.uow import UnitOfWork
from journey import CONSENT, Driver
from support import BeforeLocking, intake_form

ADVICE = {"advice_date": "2026-01-20", "profession": "Krankenpflegerin", "qualification_country": "Syrien",
          "advice_center": "iq", "regulated": "yes"}


class _MeetBeforeLocking(UnitOfWork):
    """A unit of work that waits at the write lock until the other completion has computed its step too."""

    def __init__(self, container, barrier: threading.Barrier, computed: list):
        super().__init__(container.session_factory, container.clock, container.runtime, container.forms)
        self._barrier, self._computed = barrier, computed

    def lock_for_write(self) -> None:
        """Both completions have loaded, validated and run their workflow step before either locks."""
        self._computed.append(threading.get_ident())
        self._barrier.wait(timeout=60)
        super().lock_for_write()


def _race(container, jobs) -> tuple[list[str], list]:
    """Run `jobs` (callables taking a unit of work) at once; outcomes and the threads that reached the lock."""
    barrier, computed, outcomes, guard = threading.Barrier(len(jobs)), [], [], threading.Lock()

    def run(job):
        try:
            job(_MeetBeforeLocking(container, barrier, computed))
            result = "ok"
        except Conflict as exc:
            result = "conflict: " + exc.message
        except Exception as exc:  # noqa: BLE001 - anything else is the failure this test looks for
            result = f"error: {type(exc).__name__}: {exc}"
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes, computed


def _count(container, stmt) -> int:
    with container.reader() as r:
        return r.session.execute(stmt).scalar_one()


def test_two_completions_of_one_task_computed_outside_the_lock_give_one_winner(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task, tf = drive.prefill(world.anna, case_id)

    def job(uow):
        complete_task(uow, case_id, task.id, MultiDict(CONSENT), world.anna, tf.version)

    outcomes, computed = _race(container, [job, job])
    assert len(computed) == 2  # both really computed the step before either took the lock
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "ok"], outcomes
    assert "bereits von Anna Adler" in next(o for o in outcomes if o.startswith("conflict"))
    assert _count(container, select(func.count()).select_from(CompletedTask)
                  .where(CompletedTask.id == task.id)) == 1
    assert _count(container, select(func.count()).select_from(Event)
                  .where(Event.case_id == case_id, Event.kind == "task_completed")) == 2  # intake + the winner
    assert _count(container, select(Case.version).where(Case.id == case_id)) == tf.version + 1
    assert drive.open_task(case_id).task_spec == "Task_Assessment"
    # The winner's workflow is the one cached and stored: the next step works on it.
    drive.complete(world.anna, case_id, {"assessment_date": "2026-01-20", "assessment_summary": "Sprache"},
                   expect="assessment")


def test_completions_of_two_processes_racing_on_one_case_give_one_winner(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="consent")
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    process_id = start_process(container.uow(), case_id, "recognition", world.anna, version)
    with container.reader() as r:
        journey_task = r.session.execute(select(OpenTask).where(OpenTask.process_id == case_id)).scalar_one()
        other_task = r.session.execute(select(OpenTask).where(OpenTask.process_id == process_id)).scalar_one()
        version = task_form(r, world.anna, case_id, journey_task.id).version
    assessment = {"assessment_date": "2026-01-20", "assessment_summary": "Sprache"}

    def journey(uow):
        complete_task(uow, case_id, journey_task.id, MultiDict(assessment), world.anna, version)

    def other(uow):
        complete_task(uow, case_id, other_task.id, MultiDict(ADVICE), world.anna, version)

    outcomes, computed = _race(container, [journey, other])
    assert len(computed) == 2
    assert sorted(o.split(":")[0] for o in outcomes) == ["conflict", "ok"], outcomes
    assert "inzwischen von jemand anderem geändert" in next(o for o in outcomes if o.startswith("conflict"))
    done = _count(container, select(func.count()).select_from(CompletedTask)
                  .where(CompletedTask.id.in_([journey_task.id, other_task.id])))
    assert done == 1
    assert _count(container, select(Case.version).where(Case.id == case_id)) == version + 1
    # The loser's task is still open and can be completed with a fresh form.
    journey_won = _count(container, select(func.count()).select_from(CompletedTask)
                         .where(CompletedTask.id == journey_task.id)) == 1
    loser = other_task if journey_won else journey_task
    with container.reader() as r:
        assert r.session.get(OpenTask, loser.id) is not None
        fresh = task_form(r, world.anna, case_id, loser.id).version
    complete_task(container.uow(), case_id, loser.id,
                  MultiDict(ADVICE if loser.id == other_task.id else assessment), world.anna, fresh)
    assert _count(container, select(func.count()).select_from(CompletedTask)
                  .where(CompletedTask.id.in_([journey_task.id, other_task.id]))) == 2


def test_a_webhook_registered_while_a_completion_computes_still_gets_its_delivery(container, world):
    # The completion read "no active endpoint" and the chain head before the lock; the registration's event moves
    # the head, so the completion must notice and queue the delivery all the same, with the chain intact.
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task, tf = drive.prefill(world.anna, case_id)

    def register():
        register_webhook(container.uow(), None, world.org_a, "http://127.0.0.1:9/hook", ["task.completed"],
                         ("127.0.0.1",))

    complete_task(BeforeLocking(container, register), case_id, task.id, MultiDict(CONSENT), world.anna, tf.version)
    with container.reader() as r:
        kinds = list(r.session.execute(select(WebhookDelivery.kind).where(WebhookDelivery.case_id == case_id))
                     .scalars())
        events = list(r.session.execute(select(Event.kind).order_by(Event.seq)).scalars())
        assert verify_chain(r.session.connection(), batch=3).ok
    assert kinds == ["task.completed"]
    assert events.index("webhook_registered") < len(events) - 1 - events[::-1].index("task_completed")


def test_a_step_failure_recorded_before_the_completion_is_cleared_by_it(container, world):
    # The clear is written only when the first read saw a failure row; this is that case.
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task, tf = drive.prefill(world.anna, case_id)
    record_step_failure(container.uow(), case_id, task.id, None, "Skript fehlgeschlagen", world.anna.id)
    complete_task(container.uow(), case_id, task.id, MultiDict(CONSENT), world.anna, tf.version)
    assert _count(container, select(func.count()).select_from(StepFailure).where(StepFailure.case_id == case_id)) == 0


class _NothingBoundUnderTheLock(UnitOfWork):
    """A unit of work after whose lock_for_write binding any statement fails the test."""

    def __init__(self, container, monkeypatch):
        super().__init__(container.session_factory, container.clock, container.runtime, container.forms)
        self._monkeypatch = monkeypatch

    def lock_for_write(self) -> None:
        """Take the lock, then refuse every Prebuilt.bind until the test undoes it."""
        super().lock_for_write()

        def refuse(*_args, **_kwargs):
            raise AssertionError("a statement was bound while the write lock was held")
        self._monkeypatch.setattr(Prebuilt, "bind", refuse)


def test_a_completion_binds_its_writes_and_events_before_taking_the_lock(container, world, monkeypatch):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="consent")
    task, tf = drive.prefill(world.anna, case_id)
    uow = _NothingBoundUnderTheLock(container, monkeypatch)
    complete_task(uow, case_id, task.id, MultiDict({"assessment_date": "2026-01-20",
                                                    "assessment_summary": "Sprache"}), world.anna, tf.version)
    monkeypatch.undo()
    assert uow.lock_held is not None and uow.lock_held > 0
    assert _count(container, select(func.count()).select_from(CompletedTask)
                  .where(CompletedTask.id == task.id)) == 1
    assert drive.open_task(case_id).id != task.id
    with container.reader() as r:
        assert verify_chain(r.session.connection()).ok
