"""Work per completion must not grow with a case's history: bounded live workflow, constant writes."""
from __future__ import annotations

from sqlalchemy import event, func, select

from engine.db import CompletedTask, Goal, WorkflowTask, WorkflowTaskArchive
from journey import Driver
from support import intake_form


def _rows(container, model, case_id) -> int:
    with container.reader() as r:
        # Workflow rows belong to the case's journey, whose process id is the case id.
        key = model.process_id if hasattr(model, "process_id") and not hasattr(model, "case_id") else model.case_id
        return r.session.execute(select(func.count()).select_from(model).where(key == case_id)).scalar_one()


class _StatementLog:
    """Counts statements and bound parameter sets sent to the database."""

    def __init__(self, engine):
        self.statements, self.rows = 0, 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.statements += 1
        self.rows += len(parameters) if executemany else 1


def test_long_review_history_keeps_live_workflow_small_and_writes_constant(container, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    log = _StatementLog(container.engine)
    costs = []
    for _round in range(60):
        before = (log.statements, log.rows)
        drive.review(world.anna, case_id, date="2026-05-01")
        costs.append((log.statements - before[0], log.rows - before[1]))
    live = _rows(container, WorkflowTask, case_id)
    assert _rows(container, CompletedTask, case_id) == 64
    assert _rows(container, WorkflowTaskArchive, case_id) > 200  # the history is kept, not lost
    assert live < 120
    early, late = costs[5:15], costs[-10:]
    # Same number of statements and written rows late in the case as early on (the archive batch aside).
    assert max(s for s, _ in late) <= max(s for s, _ in early) + 2
    assert sorted(r for _, r in late)[5] <= sorted(r for _, r in early)[5] + 2


def test_case_with_archived_history_reloads_and_continues(container, world):
    drive = Driver(container, roundtrip=True)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    for _ in range(25):
        drive.review(world.anna, case_id, date="2026-05-01")
    assert _rows(container, WorkflowTaskArchive, case_id) > 0
    drive.review(world.anna, case_id, status="achieved", next_step="close")
    drive.closure(world.anna, case_id)
    with container.reader() as r:
        statuses = set(r.session.execute(select(Goal.status).where(Goal.case_id == case_id)).scalars())
    assert statuses == {"achieved"}
    assert drive.open_task(case_id) is None


def test_pruning_while_waiting_for_a_timer_keeps_a_finished_root(container, world, clock):
    from datetime import datetime

    from SpiffWorkflow.util.task import TaskState

    from engine.base import model_by_id
    from engine.clock import BERLIN
    from engine.workflow import load_workflow, prune_history

    case_id = Driver(container).to_review(world.anna, intake_form(world.town_a))
    with container.reader() as r:
        from engine.db import Case

        model = model_by_id(r, r.session.get(Case, case_id).definition_id)
        workflow = load_workflow(r.session, container.runtime, case_id, model)
    prune_history(workflow, container.runtime.codec.registry, min_batch=1)
    # The waiting timer itself must not become the root: firing it reads its parent's data.
    assert workflow.task_tree.state & TaskState.FINISHED_MASK
    clock.set(datetime(2026, 5, 1, 8, 0, tzinfo=BERLIN))
    assert container.runtime.fire_timers(workflow) == ["Timer_ReviewDue"]
    assert [t.spec_name for t in container.runtime.ready_user_tasks(model, workflow)] == ["Task_Review"]
