"""Token replay over process specs: parallel paths, joins, choices, loops and unknown steps."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.workflow import parse_model, replay
from support import shipped_decisions

SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / "client_journey.bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
# start -> (A || B) -> C -> end, with a non-interrupting timer on C leading to D.
PARALLEL = f"""<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" id="D" targetNamespace="https://t">
<bpmn:process id="p" isExecutable="true">
<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/><bpmn:parallelGateway id="join"/>
<bpmn:userTask id="a" name="A" camunda:formKey="consent"/><bpmn:userTask id="b" name="B" camunda:formKey="consent"/>
<bpmn:userTask id="c" name="C" camunda:formKey="consent"/><bpmn:userTask id="d" name="D" camunda:formKey="consent"/>
<bpmn:boundaryEvent id="timer" attachedToRef="c" cancelActivity="false"><bpmn:timerEventDefinition>
<bpmn:timeDuration>"P1D"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
<bpmn:endEvent id="end"/><bpmn:endEvent id="late"/>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>
<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="a"/><bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="b"/>
<bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="join"/><bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join"/>
<bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="c"/><bpmn:sequenceFlow id="f7" sourceRef="c" targetRef="end"/>
<bpmn:sequenceFlow id="f8" sourceRef="timer" targetRef="d"/><bpmn:sequenceFlow id="f9" sourceRef="d" targetRef="late"/>
</bpmn:process></bpmn:definitions>"""
JOURNEY = ["Task_Intake", "Task_Consent", "Task_Assessment", "Task_TargetAgreement"]


@pytest.fixture(scope="module")
def journey():
    return parse_model(SHIPPED.read_text(encoding="utf-8"), decisions=shipped_decisions())


@pytest.mark.parametrize("steps", [
    JOURNEY + ["Task_Review"] * 3 + ["Task_Closure"],
    ["Task_Intake", "Task_EligibilityReview", "Task_Consent", "Task_Assessment"],
    ["Task_Intake", "Task_Consent"],
])
def test_journeys_the_model_allows_fit(journey, steps):
    assert replay(journey, steps).fits


def test_a_skipped_step_is_reported_once_at_its_position(journey):
    result = replay(journey, ["Task_Intake", "Task_Consent", "Task_TargetAgreement", "Task_Review", "Task_Closure"])
    [deviation] = result.deviations
    assert (deviation.position, deviation.step, deviation.kind) == (3, "Task_TargetAgreement", "not_enabled")
    assert deviation.expected == ("Bedarfsanalyse",)


def test_a_step_repeated_without_the_loop_deviates(journey):
    [deviation] = replay(journey, JOURNEY + ["Task_Assessment"]).deviations
    assert deviation.position == 5 and deviation.expected == ("Fortschreibung des Integrationsplans",)


def test_a_step_the_version_does_not_know_is_named(journey):
    [deviation] = replay(journey, ["Task_Intake", "Task_Interview"]).deviations
    assert (deviation.step, deviation.kind) == ("Task_Interview", "unknown_step")


@pytest.mark.parametrize("steps, deviating", [
    (["a", "b", "c"], None), (["b", "a", "c"], None), (["a", "b", "d", "c"], None),
    (["a", "c"], "c"), (["a", "a"], "a"), (["a", "b", "c", "c"], "c"),
])
def test_parallel_paths_must_all_be_done_before_the_join(steps, deviating):
    result = replay(parse_model(PARALLEL), steps)
    assert [d.step for d in result.deviations] == ([deviating] if deviating else [])
