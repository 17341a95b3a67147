"""The completion's rows go to PostgreSQL in one pipeline (engine.db.pipeline); a failure in it loses everything."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, event, func, insert, select, update
from werkzeug.datastructures import MultiDict

from engine.casework import complete_task
from engine.db import Case, CompletedTask, Event, Goal, OpenTask, Prebuilt, Setting, WorkflowState, pipelined
from journey import CONSENT, Driver
from support import BeforeLocking, intake_form

_SETTINGS = Setting.__table__
_MOVE = Prebuilt(update(_SETTINGS).where(_SETTINGS.c.key == bindparam("k")).values(value=bindparam("new")))


def _postgres(container) -> bool:
    return container.engine.dialect.name == "postgresql"


def test_statements_in_a_pipeline_are_answered_at_its_end_on_postgresql(container):
    with container.engine.begin() as conn:
        conn.execute(insert(_SETTINGS), {"key": "pipeline_test", "value": 1})
        with pipelined(conn):
            inside = _MOVE(conn, {"k": "pipeline_test", "new": 2})
        after = _MOVE(conn, {"k": "pipeline_test", "new": 3})
        stored = conn.execute(select(Setting.value).where(Setting.key == "pipeline_test")).scalar_one()
    # PostgreSQL has not answered while the block runs (no round trip per statement); SQLite runs it as it is.
    assert inside == (-1 if _postgres(container) else 1)
    assert (after, stored) == (1, 3)


def test_a_watched_connection_is_not_pipelined(container):
    # Statement listeners (tests counting statements) see SQLAlchemy's path, which needs each answer at once.
    seen = []

    def log(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", log)
    try:
        with container.engine.begin() as conn:
            conn.execute(insert(_SETTINGS), {"key": "pipeline_watched", "value": 1})
            with pipelined(conn):
                assert _MOVE(conn, {"k": "pipeline_watched", "new": 2}) == 1
    finally:
        event.remove(container.engine, "before_cursor_execute", log)
    assert any(s.startswith("UPDATE setting") for s in seen)


def test_a_statement_needing_sqlalchemy_is_refused_inside_a_pipeline(container, world):
    # A goal without its id needs SQLAlchemy's Python-side default: that path cannot run pipelined.
    statement = Prebuilt(insert(Goal.__table__))
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    row = {"case_id": case_id, "life_area": "work", "title": "x", "obligations": "", "support": "", "responsible": "",
           "agreed_on": date(2026, 1, 1), "updated_at": datetime(2026, 1, 1, tzinfo=UTC)}
    with container.engine.connect() as conn:
        with pipelined(conn):
            if _postgres(container):
                with pytest.raises(RuntimeError, match="outside pipelined"):
                    statement(conn, row)
            else:
                assert statement(conn, row) == 1
        conn.rollback()


def test_a_write_failing_in_the_pipelined_block_keeps_nothing_of_the_completion(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task, tf = drive.prefill(world.anna, case_id)

    def state():
        with container.reader() as r:
            s = r.session
            return (s.execute(select(Case.version).where(Case.id == case_id)).scalar_one(),
                    s.execute(select(WorkflowState.header).where(WorkflowState.process_id == case_id)).scalar_one(),
                    s.execute(select(OpenTask.id).where(OpenTask.case_id == case_id)).scalars().all(),
                    s.execute(select(func.count()).select_from(Event).where(Event.case_id == case_id)).scalar_one())

    def sabotage():
        # Someone stores a completed-task row under the task's id: the completion's own insert fails after its
        # version claim succeeded.
        with container.engine.begin() as conn:
            conn.execute(insert(CompletedTask.__table__), {
                "id": task.id, "case_id": case_id, "task_spec": "x", "title": "x",
                "completed_at": datetime(2026, 1, 15, tzinfo=UTC), "data": {}})

    before = state()
    with pytest.raises(Exception) as failure:
        complete_task(BeforeLocking(container, sabotage), case_id, task.id, MultiDict(CONSENT), world.anna,
                      tf.version)
    assert "IntegrityError" in {cls.__name__ for cls in type(failure.value).__mro__}
    assert state() == before  # version, workflow, open task and audit trail as they were
    with container.engine.begin() as conn:
        conn.execute(CompletedTask.__table__.delete().where(CompletedTask.id == task.id))
    # The workflow instance was not put back into the cache half-changed: the same form completes now.
    drive.complete(world.anna, case_id, CONSENT, expect="consent")
    assert drive.open_task(case_id).task_spec == "Task_Assessment"


def test_the_completed_workflow_is_cached_under_the_new_case_version(container, world):
    # The step's rows are written before the claim's answer is known (one pipeline): the cached instance must
    # still be tagged with the version the claim gives the case, never with the one the form was opened at.
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task, tf = drive.prefill(world.anna, case_id)
    complete_task(container.uow(), case_id, task.id, MultiDict(CONSENT), world.anna, tf.version)
    assert container.runtime.checkout(case_id, tf.version + 1) is not None
