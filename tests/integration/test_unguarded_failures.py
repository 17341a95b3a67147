"""Failures SpiffWorkflow raises without wrapping them end as step failures at their element, never as tracebacks.

A multi-instance over a collection that is no list, or a timer whose duration is no ISO 8601 text or lies
centuries away, made SpiffWorkflow raise a plain TypeError or Exception (or count months for many minutes); a
script storing a set or a date object failed only when the step was written, a due date that is no date when the
task was listed. The step is refused with a German message naming the element, the supervisors' repair list shows
it, and nothing of the step is kept.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine.authoring import deploy_definition, seed_shipped_forms
from engine.casework import complete_task, start_process, task_form
from engine.db import CaseProcess, CompletedTask, OpenTask, StepFailure
from engine.errors import WorkflowFailure
from journey import Driver
from support import intake_form

FORMS = Path(__file__).resolve().parents[1] / "fixtures" / "constructs" / "forms"
PROCESS = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    id="D" targetNamespace="https://t">
  <bpmn:process id="{key}" name="Fehlerhafter Ablauf" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="integraflow.kind" value="case_process"/>
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="s"/>
    {first}
    <bpmn:scriptTask id="set" name="Wert setzen" scriptFormat="python"><bpmn:script>value = {value}</bpmn:script>
    </bpmn:scriptTask>
    {failing}
    <bpmn:endEvent id="e"/>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="{after_start}"/>
    {first_flow}
    <bpmn:sequenceFlow id="f1" sourceRef="set" targetRef="X"/>
    <bpmn:sequenceFlow id="f2" sourceRef="X" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>"""
MULTI_INSTANCE = ('<bpmn:userTask id="X" name="Gespräch je Mitglied" camunda:formKey="c_note" '
                  'camunda:candidateGroups="caseworker"><bpmn:multiInstanceLoopCharacteristics '
                  'camunda:collection="value" camunda:elementVariable="member"/></bpmn:userTask>')
CARDINALITY = ('<bpmn:userTask id="X" name="Gespräch je Mitglied" camunda:formKey="c_note" '
               'camunda:candidateGroups="caseworker"><bpmn:multiInstanceLoopCharacteristics>'
               '<bpmn:loopCardinality>value</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'
               '</bpmn:userTask>')
TIMER = ('<bpmn:intermediateCatchEvent id="X" name="Warten"><bpmn:timerEventDefinition>'
         '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">value</bpmn:timeDuration>'
         '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
PLAIN = ('<bpmn:userTask id="X" name="Gespräch" camunda:formKey="c_note" camunda:candidateGroups="caseworker" '
         '{due}/>')
# A message thrown in one branch and caught in the other; its payload reaches the data without a script.
MESSAGE = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="https://t">
  <bpmn:message id="M" name="unterlagen"/>
  <bpmn:process id="nachricht" name="Nachricht" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="integraflow.kind" value="case_process"/>
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="s"/><bpmn:parallelGateway id="g"/>
    <bpmn:intermediateThrowEvent id="T"><bpmn:messageEventDefinition messageRef="M" camunda:expression="{payload}"/>
    </bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="C"><bpmn:messageEventDefinition messageRef="M"/></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="U" name="Prüfen" camunda:formKey="c_note" camunda:candidateGroups="caseworker"/>
    <bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/><bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="C"/>
    <bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="T"/><bpmn:sequenceFlow id="f3" sourceRef="T" targetRef="e1"/>
    <bpmn:sequenceFlow id="f4" sourceRef="C" targetRef="U"/><bpmn:sequenceFlow id="f5" sourceRef="U" targetRef="e2"/>
  </bpmn:process>
</bpmn:definitions>"""
FIRST = ('<bpmn:userTask id="U1" name="Vorbereiten" camunda:formKey="c_note" camunda:candidateGroups="caseworker"/>',
         '<bpmn:sequenceFlow id="fu" sourceRef="U1" targetRef="set"/>')


def _deploy(container, world, key: str, failing: str, value: str, with_task: bool = False) -> None:
    first, first_flow = FIRST if with_task else ("", "")
    xml = PROCESS.format(key=key, first=first, first_flow=first_flow, value=value, failing=failing,
                         after_start="U1" if with_task else "set")
    uow = container.uow()
    with uow:
        seed_shipped_forms(uow, FORMS)
        deploy_definition(uow, key, xml, world.carla.id, "Test")
        uow.commit()


def _case(container, world) -> str:
    return Driver(container).consented(world.anna, intake_form(world.town_a))


def _version(container, case_id: str) -> int:
    return Driver(container).version(case_id)


def _failure(container, case_id: str) -> StepFailure:
    with container.reader() as r:
        return r.session.get(StepFailure, case_id)


@pytest.mark.parametrize("failing, value, expected", [
    (MULTI_INSTANCE, "None", "Mehrfachausführung: die Sammlung ergibt keine Liste"),
    (MULTI_INSTANCE, "5", "Mehrfachausführung"),
    (CARDINALITY, "2.5", "Mehrfachausführung"),
    (TIMER, "5", "Zeitereignis: Dauer muss ein Text wie „P3M“ sein, nicht int"),
    (TIMER, "'bald'", "„bald“ ist keine Dauer nach ISO 8601"),
    (TIMER, "'P99999999Y'", "Zeitereignis: Die Dauer „P99999999Y“ ist zu lang (höchstens 200 Jahre)."),
], ids=["collection-none", "collection-number", "cardinality-fraction", "duration-number", "duration-text",
        "duration-centuries"])
def test_a_start_failing_inside_spiffworkflow_is_a_step_failure_at_its_element(container, world, failing, value,
                                                                                expected):
    _deploy(container, world, "fehlerhaft", failing, value)
    case_id = _case(container, world)
    version = _version(container, case_id)
    with pytest.raises(WorkflowFailure, match=re.escape(expected)) as failure:
        start_process(container.uow(), case_id, "fehlerhaft", world.anna, version)
    assert "(X)" in failure.value.message
    recorded = _failure(container, case_id)
    assert (recorded.element_id, recorded.message) == ("X", failure.value.message)
    with container.reader() as r:
        assert r.session.execute(select(func.count()).select_from(CaseProcess)
                                 .where(CaseProcess.case_id == case_id, CaseProcess.kind != "journey")
                                 ).scalar() == 0
    assert _version(container, case_id) == version


def test_a_completion_failing_in_the_next_element_names_that_element_and_keeps_nothing(container, world):
    _deploy(container, world, "fehlerhaft", MULTI_INSTANCE, "None", with_task=True)
    case_id = _case(container, world)
    process_id = start_process(container.uow(), case_id, "fehlerhaft", world.anna, _version(container, case_id))
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.process_id == process_id)).scalar_one()
        version = task_form(r, world.anna, case_id, task.id).version
    with pytest.raises(WorkflowFailure, match=r"\(X\): Mehrfachausführung"):
        complete_task(container.uow(), case_id, task.id, MultiDict({"note": "erledigt"}), world.anna, version)
    assert _failure(container, case_id).element_id == "X"
    with container.reader() as r:
        assert r.session.get(CompletedTask, task.id) is None
        assert r.session.get(OpenTask, task.id) is not None
    assert _version(container, case_id) == version


@pytest.mark.parametrize("value, expected", [
    ("{1, 2}", "einen Wert vom Typ set"),
    ("date(2026, 5, 1)", "einen Wert vom Typ date"),
    ("[1, float('nan')]", "den Wert nan"),
    ("{'a': {(1, 2): 'b'}}", "ein Wörterbuch mit Schlüsseln vom Typ tuple"),
], ids=["set", "date", "nan", "tuple-key"])
def test_a_script_storing_what_the_database_cannot_hold_fails_at_the_script(container, world, value, expected):
    _deploy(container, world, "fehlerhaft", PLAIN.format(due=""), value)
    case_id = _case(container, world)
    version = _version(container, case_id)
    with pytest.raises(WorkflowFailure, match=re.escape(f"(set): Skript hat in „value“ {expected} gespeichert")):
        start_process(container.uow(), case_id, "fehlerhaft", world.anna, version)
    assert _failure(container, case_id).element_id == "set"
    assert _version(container, case_id) == version


def test_a_due_date_that_is_no_date_fails_at_its_task(container, world):
    _deploy(container, world, "fehlerhaft", PLAIN.format(due='camunda:dueDate="value"'), "'bald'")
    case_id = _case(container, world)
    version = _version(container, case_id)
    with pytest.raises(WorkflowFailure) as failure:
        start_process(container.uow(), case_id, "fehlerhaft", world.anna, version)
    assert failure.value.message == ("Fälligkeit konnte nicht berechnet werden (X): „bald“ ist kein Datum "
                                     "(erwartet JJJJ-MM-TT)")
    assert _failure(container, case_id).element_id == "X"
    assert _version(container, case_id) == version


def test_storable_values_still_pass(container, world):
    _deploy(container, world, "fehlerhaft", PLAIN.format(due='camunda:dueDate="value[\'due\']"'),
            "{'due': date(2026, 5, 1).isoformat(), 1: [1.5, None, True, ('a', 'b')]}")
    case_id = _case(container, world)
    process_id = start_process(container.uow(), case_id, "fehlerhaft", world.anna, _version(container, case_id))
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.process_id == process_id)).scalar_one()
    assert task.due_on.isoformat() == "2026-05-01"


def test_a_message_payload_that_cannot_be_stored_fails_the_step_before_the_write(container, world):
    uow = container.uow()
    with uow:
        seed_shipped_forms(uow, FORMS)
        deploy_definition(uow, "nachricht", MESSAGE.format(payload="{1, 2}"), world.carla.id, "Test")
        uow.commit()
    case_id = _case(container, world)
    version = _version(container, case_id)
    with pytest.raises(WorkflowFailure, match="Die Daten des Falls enthalten einen Wert, der nicht gespeichert "
                                              "werden kann"):
        start_process(container.uow(), case_id, "nachricht", world.anna, version)
    assert _failure(container, case_id) is not None
    assert _version(container, case_id) == version
