"""Bulk copies (load tests, `integraflow demo --cases N`) are complete, working cases."""
from __future__ import annotations

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine.casework import log_contact
from engine.db import (
    AssessmentArea,
    Case,
    CompletedTask,
    Contact,
    Event,
    Goal,
    OpenTask,
    WorkflowState,
    WorkflowTask,
    WorkflowTaskArchive,
)
from engine.demo import clone_cases, load_demo_at_scale
from journey import Driver
from support import intake_form

PER_CASE = (Event, WorkflowTask, WorkflowTaskArchive, OpenTask, CompletedTask, Goal, AssessmentArea, Contact)


def _counts(container, case_id):
    with container.reader() as r:
        # The workflow tables are keyed by process; a case's journey has the case's id.
        return [r.session.execute(select(func.count()).select_from(model)
                                  .where(getattr(model, "case_id", getattr(model, "process_id", None)) == case_id))
                .scalar_one() for model in PER_CASE]


def test_a_copy_holds_everything_of_its_template_and_runs_on(container, clock, world):
    drive = Driver(container)
    template = drive.to_review(world.anna, intake_form(world.town_a))
    log_contact(container.uow(), template, MultiDict({"occurred_on": clock.today().isoformat(), "kind": "office",
                                                      "duration_minutes": "30", "topics": "work"}), world.anna)
    drive.await_review(template)
    copy, = clone_cases(container, [template], 1)
    assert _counts(container, copy) == _counts(container, template)
    assert all(_counts(container, copy))
    with container.reader() as r:
        state = r.session.get(WorkflowState, copy)
        case = r.session.get(Case, copy)
    assert state.next_timer_at is None and case.phase == "review" and case.reference != template
    container.runtime.clear_cache()
    drive.review(world.anna, copy, status="achieved", next_step="close")  # the copy's own rows go on
    with container.reader() as r:
        assert r.session.execute(select(OpenTask.task_spec).where(OpenTask.case_id == copy)).scalar_one() \
            == "Task_Closure"
        assert r.session.execute(select(OpenTask.task_spec).where(OpenTask.case_id == template)).scalar_one() \
            == "Task_Review"
        statuses = dict(r.session.execute(select(Goal.case_id, Goal.status)
                                          .where(Goal.case_id.in_([template, copy]))).all())
    assert statuses == {copy: "achieved", template: "open"}  # the review changed the copy's goal only


def test_demo_at_scale_tells_some_stories_and_copies_the_rest(container):
    summary = load_demo_at_scale(container, 25, stories=10, caseload=2)
    assert summary.cases == 25
    with container.reader() as r:
        references = r.session.execute(select(func.count(func.distinct(Case.reference)))).scalar_one()
        events = r.session.execute(select(func.count()).select_from(Event)).scalar_one()
    assert references == 25 and events > 25 * 5
    with container.reader() as r:
        caseworkers = r.session.execute(select(func.count(func.distinct(Case.responsible_user_id)))).scalar_one()
        misassigned = r.session.execute(
            select(func.count()).select_from(OpenTask).join(Case, Case.id == OpenTask.case_id)
            .where(OpenTask.role == "caseworker", OpenTask.assignee_id != Case.responsible_user_id)).scalar_one()
    assert caseworkers > 4 and misassigned == 0  # copies went to colleagues, with their tasks
