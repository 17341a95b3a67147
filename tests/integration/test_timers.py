"""BPMN timers fire from the sweep on the injected clock: on time, once, and never blocked by one bad case."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from engine.clock import BERLIN
from engine.db import Case, Event, OpenTask, WorkflowState
from engine.demo import clone_case
from engine.errors import Forbidden
from engine.time import claim_due_cases, retry_timer, sweep_all_due, sweep_timers
from journey import Driver
from support import count_rows, intake_form

REVIEW_DUE = datetime(2026, 5, 1, tzinfo=BERLIN)  # plan 01.02.2026 + P3M, midnight in Berlin


@pytest.fixture
def waiting_case(container, world):
    """A case whose target agreement is signed; it now waits for the review timer."""
    return Driver(container).to_review(world.anna, intake_form(world.town_a))


def _state(container, case_id) -> WorkflowState:
    with container.reader() as r:
        return r.session.get(WorkflowState, case_id)


def test_waiting_timer_is_stored_in_the_indexed_column(container, waiting_case):
    assert _state(container, waiting_case).next_timer_at == REVIEW_DUE.astimezone(UTC)


def test_review_task_appears_at_the_due_moment_and_not_before(container, clock, waiting_case):
    clock.set(REVIEW_DUE - timedelta(seconds=1))
    assert sweep_timers(container, "w1").fired == 0
    assert count_rows(container, OpenTask, case_id=waiting_case) == 0
    clock.set(REVIEW_DUE)
    result = sweep_timers(container, "w1")
    assert (result.claimed, result.fired, result.failed) == (1, 1, [])
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.case_id == waiting_case)).scalar_one()
    assert (task.task_spec, task.due_on.isoformat()) == ("Task_Review", "2026-05-01")
    assert _state(container, waiting_case).next_timer_at is None


def test_due_date_is_midnight_in_berlin_across_daylight_saving(container, clock, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    # Review on 29.03.2026, the day clocks go forward: plan 29.12.2025 + P3M.
    with container.uow() as uow:
        uow.session.execute(update(WorkflowState).where(WorkflowState.case_id == case_id)
                            .values(next_timer_at=datetime(2026, 3, 28, 23, 0, tzinfo=UTC)))
        uow.commit()
    clock.set(datetime(2026, 3, 28, 22, 59, tzinfo=UTC))
    assert sweep_timers(container, "w1").claimed == 0
    clock.set(datetime(2026, 3, 28, 23, 0, tzinfo=UTC))  # 00:00 CET on 29.03.
    assert sweep_timers(container, "w1").claimed == 1


def test_catch_up_after_downtime_fires_each_timer_once(container, clock, waiting_case):
    clock.set(REVIEW_DUE + timedelta(days=200))  # the system was down for months
    first = sweep_timers(container, "w1")
    second = sweep_timers(container, "w1")
    assert (first.fired, second.claimed) == (1, 0)
    assert count_rows(container, Event, case_id=waiting_case, kind="timer_fired") == 1
    assert count_rows(container, OpenTask, case_id=waiting_case) == 1


def test_failing_case_is_marked_and_does_not_block_the_others(container, clock, world):
    drive = Driver(container)
    good = drive.to_review(world.anna, intake_form(world.town_a))
    bad = drive.to_review(world.anna, intake_form(world.town_a, last_name="Kaputt"))
    with container.uow() as uow:  # a broken stored state stands in for a failing script or condition
        uow.session.execute(update(WorkflowState).where(WorkflowState.case_id == bad)
                            .values(serializer_version="unknown"))
        uow.commit()
    container.runtime.clear_cache()
    clock.set(REVIEW_DUE)
    result = sweep_timers(container, "w1")
    assert (result.fired, result.failed) == (1, [bad])
    assert count_rows(container, OpenTask, case_id=good) == 1
    state = _state(container, bad)
    assert state.timer_error and state.timer_claimed_by is None
    assert sweep_timers(container, "w1").claimed == 0  # errored cases wait for a person
    with pytest.raises(Forbidden):
        retry_timer(container.uow(), world.anna, bad)
    with container.uow() as uow:
        uow.session.execute(update(WorkflowState).where(WorkflowState.case_id == bad)
                            .values(serializer_version=_state(container, good).serializer_version))
        uow.commit()
    retry_timer(container.uow(), world.carla, bad)
    assert sweep_timers(container, "w1").fired == 1
    assert count_rows(container, Event, case_id=bad, kind="timer_retried") == 1


def test_expired_lease_of_a_crashed_worker_is_taken_over(container, clock, waiting_case):
    clock.set(REVIEW_DUE)
    assert claim_due_cases(container, "crashed") == [waiting_case]  # claimed, then the worker died
    assert sweep_timers(container, "w2").claimed == 0  # lease still valid
    clock.advance(minutes=6)
    assert sweep_timers(container, "w2").fired == 1


def test_two_schedulers_fire_every_timer_exactly_once(container, clock, waiting_case):
    copies = 999 if container.engine.dialect.name == "postgresql" else 199
    clone_case(container, waiting_case, copies)
    clock.set(REVIEW_DUE)
    fired, errors = [], []

    def scheduler(name):
        try:
            while True:
                result = sweep_timers(container, name, limit=50)
                fired.append(result.fired)
                if result.claimed == 0:
                    return
        except Exception as exc:  # noqa: BLE001 - a deadlock or crash is what this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=scheduler, args=(f"s{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert sum(fired) == copies + 1
    with container.reader() as r:
        per_case = r.session.execute(select(Event.case_id, func.count()).where(Event.kind == "timer_fired")
                                     .group_by(Event.case_id)).all()
        waiting = r.session.execute(select(func.count()).select_from(WorkflowState)
                                    .where(WorkflowState.next_timer_at.is_not(None))).scalar_one()
        reviews = r.session.execute(select(func.count()).select_from(OpenTask)
                                    .where(OpenTask.task_spec == "Task_Review")).scalar_one()
    assert len(per_case) == copies + 1 and {n for _, n in per_case} == {1}
    assert (waiting, reviews) == (0, copies + 1)
    with container.reader() as r:
        versions = set(r.session.execute(select(Case.version)).scalars())
    assert len(versions) == 1


@pytest.fixture
def refuse_open_tasks_of(container):
    """Install a database trigger that refuses new open tasks of one case (a fault inside the batch write)."""
    installed = []

    def install(case_id: str) -> None:
        with container.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"CREATE TRIGGER refuse_open_task BEFORE INSERT ON open_task "
                                     f"WHEN NEW.case_id = '{case_id}' BEGIN SELECT RAISE(ABORT, 'Testfehler'); END")
            else:
                conn.exec_driver_sql(f"CREATE FUNCTION refuse_open_task() RETURNS trigger AS $$ BEGIN "
                                     f"IF NEW.case_id = '{case_id}' THEN RAISE EXCEPTION 'Testfehler'; END IF; "
                                     f"RETURN NEW; END $$ LANGUAGE plpgsql")
                conn.exec_driver_sql("CREATE TRIGGER refuse_open_task BEFORE INSERT ON open_task FOR EACH ROW "
                                     "EXECUTE FUNCTION refuse_open_task()")
        installed.append(True)

    yield install
    if installed:
        with container.engine.begin() as conn:
            conn.exec_driver_sql("DROP TRIGGER refuse_open_task" if conn.dialect.name == "sqlite"
                                 else "DROP FUNCTION refuse_open_task() CASCADE")


def test_database_fault_in_a_batch_write_fires_the_others_case_by_case(container, clock, world,
                                                                        refuse_open_tasks_of):
    drive = Driver(container)
    cases = [drive.to_review(world.anna, intake_form(world.town_a, last_name=f"Fall{i}")) for i in range(3)]
    refuse_open_tasks_of(cases[1])
    clock.set(REVIEW_DUE)
    result = sweep_timers(container, "w1")
    assert (result.claimed, result.fired, result.failed) == (3, 2, [cases[1]])
    assert [count_rows(container, OpenTask, case_id=c) for c in cases] == [1, 0, 1]
    assert [count_rows(container, Event, case_id=c, kind="timer_fired") for c in cases] == [1, 0, 1]
    assert "Testfehler" in _state(container, cases[1]).timer_error
    assert _state(container, cases[1]).next_timer_at is not None  # nothing of the failed step was kept


def test_a_backlog_larger_than_one_claim_clears_in_one_scheduler_run(container, clock, waiting_case):
    clone_case(container, waiting_case, 4)
    clock.set(REVIEW_DUE)
    result = sweep_all_due(container, "w1", limit=2)
    assert (result.claimed, result.fired, result.failed) == (5, 5, [])
    assert claim_due_cases(container, "w1") == []
