"""Decision tables in the journey: evaluations in the audit chain, pinned versions, explanations, outcome filter."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.audit import verify_chain
from engine.authoring import deploy_definition
from engine.config import SHIPPED_BPMN_DIR
from engine.db import Case, DecisionOutcome, Event, ProcessDefinition
from engine.decisions import (
    case_decisions,
    cases_with_outcome,
    deploy_decision,
    latest_decision,
    outcome_choices,
    processes_using,
)
from engine.errors import InvalidInput, WorkflowFailure
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import intake_form

REVIEW_DMN = (SHIPPED_BPMN_DIR / "review_interval.dmn").read_text(encoding="utf-8")
JOURNEY = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")


@pytest.fixture
def drive(container):
    """Drives the shipped journey with the real services."""
    return Driver(container, roundtrip=True)


def _two_months_for_others(xml: str = REVIEW_DMN) -> str:
    """The review table as a team lead changes it: first review after 2 months for everybody but Ukraine."""
    return xml.replace('<outputEntry id="Out_FirstOther_Months"><text>3</text>',
                       '<outputEntry id="Out_FirstOther_Months"><text>2</text>')


def _deploy_table(container, world, xml: str, comment: str = "Zwei Monate", gate: bool = True) -> int:
    uow = container.uow()
    with uow:
        # Without an actor the gate is skipped, as for a table stored before the gate existed.
        row = deploy_decision(uow, xml, world.carla.id if gate else None, comment)
        uow.commit()
        return row.version


def _deploy_journey(container, world) -> int:
    uow = container.uow()
    with uow:
        definition = deploy_definition(uow, "client_journey", JOURNEY, world.carla.id, "neue Tabellen")
        uow.commit()
        return definition.version


def _to_plan(drive, world, **intake) -> str:
    case_id = drive.open(world.anna, intake_form(world.town_a, **intake))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, case_id, target_agreement(1), expect="Task_TargetAgreement")
    return case_id


def _review_due(container, case_id):
    with container.reader() as r:
        return r.session.get(Case, case_id).next_review_due.isoformat()


def _evaluations(container, case_id) -> list[dict]:
    with container.reader() as r:
        return [e.payload for e in r.session.execute(
            select(Event).where(Event.case_id == case_id, Event.kind == "decision_evaluated")
            .order_by(Event.id)).scalars()]


def test_intake_records_the_eligibility_evaluation_in_the_chain_and_explains_it(container, world, drive):
    case_id = drive.open(world.anna, intake_form(world.town_a, residence_status="temporary_protection_ukraine"))
    [event] = _evaluations(container, case_id)
    assert (event["decision"], event["version"], event["hit_policy"]) == ("eligibility", 1, "FIRST")
    assert event["inputs"]["Aufenthaltsstatus"] == "temporary_protection_ukraine"
    assert [r["number"] for r in event["rules"]] == [6]
    assert event["outputs"]["eligible"] is True and event["outputs"]["counselling_end"] == "2028-12-01"
    with container.reader() as r:
        case = r.session.get(Case, case_id)
        assert case.eligible is True and case.eligibility_reason.startswith("förderfähig, weil vorübergehender")
        assert case.counselling_end.isoformat() == "2028-12-01"
        [explained] = case_decisions(r.session, case_id)
        assert verify_chain(r.session.connection()).ok
    assert explained.text == ("Förderfähigkeit: Regel 6 der Tabelle Förderfähigkeit v1: förderfähig, weil "
                              "vorübergehender Schutz (Ukraine) besteht und die Anschlussunterbringung am "
                              "01.10.2025 begann")


def test_the_review_interval_table_schedules_first_and_follow_up_reviews(container, world, drive):
    case_id = _to_plan(drive, world)
    assert _review_due(container, case_id) == "2026-05-01"
    drive.review(world.anna, case_id)
    assert _review_due(container, case_id) == "2026-08-01"
    tables = [(e["decision"], e["inputs"].get("Phase"), [r["number"] for r in e["rules"]])
              for e in _evaluations(container, case_id)]
    assert tables == [("eligibility", None, [7]), ("review_interval", "first", [2]),
                      ("review_interval", "follow_up", [3])]


def test_a_table_change_deployed_mid_journey_affects_new_evaluations_only(container, world, drive):
    running = _to_plan(drive, world)
    assert _deploy_table(container, world, _two_months_for_others()) == 2
    with container.reader() as r:
        users = [p.key for p in processes_using(r.session, "review_interval")]
    assert users == ["client_journey"]  # offered for redeploy: until then new cases still use version 1
    unchanged = _to_plan(drive, world)
    assert _review_due(container, unchanged) == "2026-05-01"
    assert _deploy_journey(container, world) == 2
    with container.reader() as r:
        pins = r.session.execute(select(ProcessDefinition.decisions).where(ProcessDefinition.version == 2)).scalar()
        assert pins["review_interval"] == latest_decision(r.session, "review_interval").id
    new = _to_plan(drive, world)
    assert _review_due(container, new) == "2026-04-01"  # plan 01.02. + 2 months
    assert _review_due(container, running) == "2026-05-01"
    drive.review(world.anna, running)  # the running case keeps the version its process pinned
    assert _review_due(container, running) == "2026-08-01"
    versions = [(e["decision"], e["version"]) for e in _evaluations(container, running)]
    assert versions == [("eligibility", 1), ("review_interval", 1), ("review_interval", 1)]
    assert [(e["decision"], e["version"]) for e in _evaluations(container, new)][-1] == ("review_interval", 2)
    with container.reader() as r:
        assert verify_chain(r.session.connection()).ok


def test_compliance_filters_cases_by_decision_outcome(container, world, drive):
    eligible = drive.open(world.anna, intake_form(world.town_a))
    refused = drive.open(world.anna, intake_form(world.town_a, residence_status="toleration"))
    with container.reader() as r:
        assert set(r.session.execute(cases_with_outcome("eligibility", "nein")).scalars()) == {refused}
        assert set(r.session.execute(cases_with_outcome("eligibility", "ja")).scalars()) == {eligible}
        assert ("eligibility", "Förderfähigkeit", "nein") in outcome_choices(r.session)
        rows = r.session.execute(select(DecisionOutcome.case_id, DecisionOutcome.explanation)).all()
    assert {case: text.split(",")[0] for case, text in rows} == {eligible: "förderfähig", refused: "nicht förderfähig"}


def test_a_hostile_cell_in_a_deployed_table_stops_the_step_with_a_german_message(container, world, drive):
    hostile = REVIEW_DMN.replace('<inputEntry id="Entry_FirstOther_Phase"><text>"first"</text>',
                                 '<inputEntry id="Entry_FirstOther_Phase"><text>__import__(\'os\')</text>')
    with pytest.raises(InvalidInput) as refused:
        _deploy_table(container, world, hostile, "feindlich")
    assert refused.value.errors["Entry_FirstOther_Phase"].endswith("Nicht erlaubter Name: __import__")
    _deploy_table(container, world, hostile, "vor dem Prüftor gespeichert", gate=False)
    _deploy_journey(container, world)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    with pytest.raises(WorkflowFailure) as failed:
        drive.complete(world.anna, case_id, target_agreement(1), expect="Task_TargetAgreement")
    assert "Regel 2" in failed.value.message and "Nicht erlaubter Name: __import__" in failed.value.message
    assert [e["decision"] for e in _evaluations(container, case_id)] == ["eligibility"]  # nothing half-written


def test_deploying_the_same_table_twice_keeps_one_version_and_wrong_files_are_refused(container, world):
    assert _deploy_table(container, world, REVIEW_DMN) == 1
    with pytest.raises(InvalidInput, match="kein DMN-Dokument"):
        _deploy_table(container, world, JOURNEY)


@pytest.mark.parametrize(("old", "new", "cell", "message"), [
    ('<inputEntry id="Entry_FirstOther_Status"><text>!= "temporary_protection_ukraine"</text>',
     '<inputEntry id="Entry_FirstOther_Status"><text>-</text>', "Entry_FirstOther_Phase",
     "Regel 2: überschneidet sich mit Regel 1"),
    ("<text>review_phase</text>", "<text>betreuungsphase</text>", "Input_Phase", "unbekanntes Feld betreuungsphase"),
])
def test_the_gate_refuses_overlaps_and_unknown_fields_on_their_cell(container, world, old, new, cell, message):
    with pytest.raises(InvalidInput) as refused:
        _deploy_table(container, world, REVIEW_DMN.replace(old, new))
    assert message in refused.value.errors[cell]
    with container.reader() as r:
        assert latest_decision(r.session, "review_interval").version == 1
