"""The shipped client journey, scenario by scenario, straight through and with a save/restore round trip."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.casework import log_contact
from engine.db import AssessmentArea, Case, CompletedTask, ConsentRecord, Event, Goal, OpenTask, WorkflowTask
from engine.errors import Forbidden, InvalidInput
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import count_rows, intake_form, statements


@pytest.fixture(params=["straight", "roundtrip"])
def drive(request, container):
    """A driver that either keeps workflows cached or reloads them from the database every step."""
    return Driver(container, roundtrip=request.param == "roundtrip")


def _case(container, case_id) -> Case:
    with container.reader() as r:
        case = r.session.get(Case, case_id)
        r.session.expunge(case)
        return case




def test_client_goes_from_intake_to_closure(container, world, drive):
    case_id = drive.to_review(world.anna, intake_form(world.town_a), goals=2)
    assert _case(container, case_id).phase == "review"
    assert _case(container, case_id).next_review_due.isoformat() == "2026-05-01"  # plan 01.02. + P3M
    drive.review(world.anna, case_id, status="partly")
    assert _case(container, case_id).next_review_due.isoformat() == "2026-08-01"
    drive.review(world.anna, case_id, status="achieved", next_step="close", date="2026-08-01")
    drive.closure(world.anna, case_id)
    case = _case(container, case_id)
    assert (case.status, case.phase, case.closure_reason) == ("closed", "closed", "goals_achieved")
    assert drive.open_task(case_id) is None
    with container.reader() as r:
        goals = list(r.session.execute(select(Goal).where(Goal.case_id == case_id)).scalars())
        kinds = [e.kind for e in r.session.execute(select(Event).where(Event.case_id == case_id)
                                                   .order_by(Event.id)).scalars()]
    assert [g.status for g in goals] == ["achieved", "achieved"]
    assert all(g.final_evaluation == "B1 bestanden" for g in goals)
    assert kinds[:3] == ["case_opened", "task_completed", "eligibility_checked"]
    assert kinds.count("task_completed") == 7
    assert kinds[-1] == "case_closed"
    assert count_rows(container, AssessmentArea, case_id=case_id) == 2


def test_all_goals_achieved_leads_to_closure_even_when_continuing(container, world, drive):
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    drive.review(world.anna, case_id, status="achieved", next_step="continue")
    assert drive.open_task(case_id).task_spec == "Task_Closure"


def test_review_task_appears_only_when_the_review_comes_due(container, world, drive, clock):
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    assert count_rows(container, OpenTask, case_id=case_id) == 0  # waiting for the timer, nothing to do yet
    for month, following in (("05", "2026-08-01"), ("08", "2026-11-01"), ("11", "2027-02-01")):
        drive.review(world.anna, case_id, date=f"2026-{month}-01")
        assert count_rows(container, OpenTask, case_id=case_id) == 0
        assert (_case(container, case_id).phase, str(_case(container, case_id).next_review_due)) == ("review",
                                                                                                    following)
    drive.await_review(case_id)
    assert drive.open_task(case_id).due_on.isoformat() == "2027-02-01"
    assert count_rows(container, Event, case_id=case_id, kind="timer_fired") == 4


def test_ineligible_client_waits_for_supervisor_who_may_approve(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a, residence_status="toleration"))
    case = _case(container, case_id)
    assert case.eligible is False and "Duldung" in case.eligibility_reason
    task = drive.open_task(case_id)
    assert (task.task_spec, task.role, task.assignee_id) == ("Task_EligibilityReview", "supervisor", None)
    with pytest.raises(Forbidden):
        drive.complete(world.anna, case_id, {"eligibility_decision": "approve", "eligibility_note": "Härtefall"})
    drive.complete(world.carla, case_id, {"eligibility_decision": "approve",
                                          "eligibility_note": "Härtefall, Bleibeperspektive belegt"})
    assert drive.open_task(case_id).task_spec == "Task_Consent"


def test_rejected_eligibility_closes_the_case(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a, residence_status="obliged_to_leave"))
    drive.complete(world.carla, case_id, {"eligibility_decision": "reject",
                                          "eligibility_note": "Ausreisepflichtig, keine Ausnahme"})
    case = _case(container, case_id)
    assert (case.status, case.closure_reason) == ("closed", "not_eligible")


def test_refused_consent_closes_the_case_without_storing_more(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, {"consent_given": "no", "consent_date": "2026-01-15"})
    case = _case(container, case_id)
    assert (case.status, case.closure_reason, case.consent_date) == ("closed", "no_consent", None)


def test_consent_step_writes_its_record_and_the_case_row_once(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a))
    with statements(container) as seen:
        drive.complete(world.anna, case_id, CONSENT, expect="consent")
    with container.reader() as r:
        case = r.session.get(Case, case_id)
        record = r.session.execute(select(ConsentRecord).where(ConsentRecord.case_id == case_id)).scalar_one()
        event = r.session.execute(select(Event).where(Event.case_id == case_id, Event.kind == "consent_recorded")
                                  ).scalar_one()
        assert (case.consent_date.isoformat(), case.consent_scope, case.version) == \
            (CONSENT["consent_date"], ["basic"], 2)
        assert (record.client_id, record.purposes, record.given_on, record.form, record.recorded_by) == \
            (case.client_id, ["basic"], case.consent_date, "written", world.anna.id)
        assert event.payload["record_id"] == record.id
    # The consent fields go out with the version claim; no second UPDATE of the case after it.
    assert sum(s.lstrip().upper().startswith("UPDATE CLIENT_CASE") for s in seen) == 1


def test_contacts_are_refused_before_consent(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a))
    contact = {"occurred_on": "2026-01-15", "kind": "office", "duration_minutes": "45", "topics": "language"}
    from werkzeug.datastructures import MultiDict

    with pytest.raises(Forbidden):
        log_contact(container.uow(), case_id, MultiDict(contact), world.anna)
    drive.complete(world.anna, case_id, CONSENT)
    log_contact(container.uow(), case_id, MultiDict(contact), world.anna)
    assert count_rows(container, Event, case_id=case_id, kind="contact_logged") == 1


def test_invalid_form_changes_nothing(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT)
    def state():
        return count_rows(container, Event), count_rows(container, WorkflowTask), _case(container, case_id).version

    before = state()
    with pytest.raises(InvalidInput) as err:
        drive.complete(world.anna, case_id, {**ASSESSMENT, "assessment_date": "31.02.2026"})
    assert "assessment_date" in err.value.errors
    assert err.value.values["assessment_summary"] == ASSESSMENT["assessment_summary"]
    assert state() == before


def test_target_agreement_needs_a_goal(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT)
    drive.complete(world.anna, case_id, ASSESSMENT)
    with pytest.raises(InvalidInput) as err:
        drive.complete(world.anna, case_id, target_agreement(goals=0))
    assert any("Ziel" in message for message in err.value.errors.values())


def test_completed_task_is_recorded_with_its_data(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT)
    with container.reader() as r:
        done = r.session.execute(select(CompletedTask).where(CompletedTask.case_id == case_id,
                                                             CompletedTask.task_spec == "Task_Consent")).scalar_one()
    assert done.completed_by == world.anna.id
    assert done.data["consent_given"] == "yes"
