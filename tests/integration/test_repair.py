"""Errored cases: a failed completion is recorded, listed, fixed by migrating to a corrected version, or the case
is reset to an earlier user task and completed from there."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from engine.authoring import (
    deploy_definition,
    errored_cases,
    migrate_case,
    migrate_to_fixed_version,
    repair_view,
    reset_case,
    retry_case,
)
from engine.db import Case, CompletedTask, Event, OpenTask, StepFailure, WorkflowState
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound, WorkflowFailure
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from migration_cases import broken_journey
from support import add_user, intake_form

SHIPPED = (Path(__file__).parents[2] / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8")


def _deploy(container, xml: str, actor_id: int) -> int:
    uow = container.uow()
    with uow:
        definition_id = deploy_definition(uow, "client_journey", xml, actor_id, "Korrektur").id
        uow.commit()
    return definition_id


@pytest.fixture
def failed_case(container, world):
    """A case on a broken version whose consent completion failed at the gateway condition."""
    _deploy(container, broken_journey(SHIPPED), world.carla.id)
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    with pytest.raises(WorkflowFailure, match="Gateway_Consent"):
        drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    return case_id


def _view(container, actor, case_id):
    with container.reader() as r:
        return repair_view(r, actor, case_id)


def test_failed_completion_is_recorded_and_listed_for_the_team_lead(container, world, failed_case):
    with container.reader() as r:
        failure = r.session.get(StepFailure, failed_case)
        listed = errored_cases(r, world.carla)
    assert (failure.element_id, failure.failed_by, failure.task_title) == ("Gateway_Consent", world.anna.id,
                                                                           "Einwilligung einholen")
    assert "unbekannte_variable" in failure.message
    assert [(e.case_id, e.kind) for e in listed] == [(failed_case, "task")]
    assert Driver(container).open_task(failed_case).task_spec == "Task_Consent"  # the completion was rolled back
    view = _view(container, world.carla, failed_case)
    assert view.failed_elements == ["Gateway_Consent"] and view.current_elements == ["Task_Consent"]


def test_fixed_version_repairs_the_case_which_then_continues(container, world, failed_case):
    fixed = _deploy(container, SHIPPED.replace('name="Abschluss"', 'name="Abschluss (korrigiert)"'), world.carla.id)
    view = _view(container, world.carla, failed_case)
    assert [(v.definition_id, v.reasons) for v in view.versions] == [(fixed, [])]
    migrate_to_fixed_version(container.uow(), world.carla, failed_case, fixed)
    with container.reader() as r:
        assert r.session.get(StepFailure, failed_case) is None
        assert r.session.get(Case, failed_case).definition_id == fixed
        assert errored_cases(r, world.carla) == []
    drive = Driver(container, roundtrip=True)
    drive.complete(world.anna, failed_case, CONSENT, expect="Task_Consent")
    assert drive.open_task(failed_case).task_spec == "Task_Assessment"


def test_retry_clears_a_failed_completion_and_the_task_stays_open(container, world, failed_case):
    assert retry_case(container.uow(), world.carla, failed_case) == "task"
    with container.reader() as r:
        assert r.session.get(StepFailure, failed_case) is None
        kinds = [e.kind for e in r.session.execute(select(Event).where(Event.case_id == failed_case)).scalars()]
    assert "case_repaired" in kinds
    assert Driver(container).open_task(failed_case).task_spec == "Task_Consent"
    with pytest.raises(NotFound):
        retry_case(container.uow(), world.carla, failed_case)


def test_retry_restarts_a_failed_timer(container, world):
    case_id = Driver(container).to_review(world.anna, intake_form(world.town_a))
    uow = container.uow()
    with uow:
        uow.session.execute(update(WorkflowState).where(WorkflowState.case_id == case_id).values(
            timer_error="Der Prozess konnte nicht fortgesetzt werden (Timer_ReviewDue): NameError",
            timer_error_at=datetime(2026, 5, 1, 6, 0, tzinfo=UTC)))
        uow.commit()
    with container.reader() as r:
        assert [e.kind for e in errored_cases(r, world.carla)] == ["timer"]
    assert _view(container, world.carla, case_id).failed_elements == ["Timer_ReviewDue"]
    assert retry_case(container.uow(), world.carla, case_id) == "timer"
    with container.reader() as r:
        assert r.session.get(WorkflowState, case_id).timer_error is None


def test_reset_to_an_earlier_task_keeps_history_and_the_case_completes(container, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    targets = _view(container, world.carla, case_id).reset_targets
    assessment = next(t for t in targets if t.spec_name == "Task_Assessment")
    with pytest.raises(InvalidInput):
        reset_case(container.uow(), world.carla, case_id, assessment.task_id, "  ")
    title = reset_case(container.uow(), world.carla, case_id, assessment.task_id,
                       "Bedarfsanalyse unvollständig, Gesundheit fehlt")
    assert title == "Bedarfsanalyse"
    with container.reader() as r:
        open_task = r.session.execute(select(OpenTask).where(OpenTask.case_id == case_id)).scalar()
        state = r.session.get(WorkflowState, case_id)
        event = r.session.execute(select(Event).where(Event.case_id == case_id, Event.kind == "case_reset")).scalar()
        done = r.session.execute(select(CompletedTask.task_spec).where(CompletedTask.case_id == case_id)).scalars()
        case = r.session.get(Case, case_id)
        assert (open_task.task_spec, case.phase, state.next_timer_at) == ("Task_Assessment", "assessment", None)
        assert open_task.id != assessment.task_id and open_task.assignee_id == world.anna.id
        assert event.payload["to_task"] == "Task_Assessment" and event.payload["actor"] == "carla"
        assert event.payload["reason"] == "Bedarfsanalyse unvollständig, Gesundheit fehlt"
        assert sorted(done) == sorted(["Task_Intake", "Task_Consent", "Task_Assessment", "Task_TargetAgreement"])
    drive = Driver(container, roundtrip=True)
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, case_id, target_agreement(), expect="Task_TargetAgreement")
    drive.review(world.anna, case_id, status="achieved", next_step="close")
    drive.closure(world.anna, case_id)
    with container.reader() as r:
        assert r.session.get(Case, case_id).status == "closed"
        assert len(r.session.execute(select(CompletedTask).where(CompletedTask.case_id == case_id)).all()) == 8
    with pytest.raises(Conflict):
        reset_case(container.uow(), world.carla, case_id, assessment.task_id, "zu spät")


def test_reset_refuses_an_open_unknown_or_intake_task(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task = drive.open_task(case_id)
    with pytest.raises(Conflict, match="nicht zurückgesetzt"):
        reset_case(container.uow(), world.carla, case_id, task.id, "Versuch")
    with pytest.raises(Conflict, match="nicht zurückgesetzt"):
        reset_case(container.uow(), world.carla, case_id, "00000000-0000-0000-0000-000000000000", "Versuch")
    with container.reader() as r:
        intake = r.session.execute(select(CompletedTask.id).where(CompletedTask.case_id == case_id,
                                                                  CompletedTask.task_spec == "Task_Intake")).scalar()
    assert _view(container, world.carla, case_id).reset_targets == []  # the intake is done by opening the case
    with pytest.raises(Conflict, match="nicht zurückgesetzt"):
        reset_case(container.uow(), world.carla, case_id, intake, "Versuch")


def test_repair_is_refused_to_other_organisations_and_roles(container, world, failed_case):
    bea = add_user(container, world, "bea", "Bea Boss", "supervisor", world.org_b)
    with container.reader() as r:
        assert errored_cases(r, bea) == []
    with pytest.raises(NotFound):
        _view(container, bea, failed_case)
    with pytest.raises(NotFound):
        retry_case(container.uow(), bea, failed_case)
    for who in ("anna", "erik"):
        with pytest.raises(Forbidden):
            retry_case(container.uow(), world.users[who], failed_case)


def test_successful_step_clears_the_recorded_failure(container, world, failed_case):
    """A plain migration (no repair) leaves the record; the next successful completion clears it."""
    fixed = _deploy(container, SHIPPED, world.carla.id)
    migrate_case(container.uow(), world.carla, failed_case, fixed)
    with container.reader() as r:
        assert r.session.get(StepFailure, failed_case) is not None
    Driver(container).complete(world.anna, failed_case, CONSENT, expect="Task_Consent")
    with container.reader() as r:
        assert r.session.get(StepFailure, failed_case) is None
