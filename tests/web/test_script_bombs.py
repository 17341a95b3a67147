"""A team lead deploys a script or condition that would never end or would eat the memory: the step fails within
its budget, nothing of it is kept, the case is on the repair list with a German reason, and another user's request
made meanwhile is answered normally."""
from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from engine.authoring import deploy_definition, errored_cases
from engine.db import Case, CaseProcess, OpenTask, StepFailure
from journey import CONSENT, Driver
from support import PASSWORD, intake_form

SHIPPED = (Path(__file__).parents[2] / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8")
FLOW = '<bpmn:sequenceFlow id="Flow_Consent_Gateway" sourceRef="Task_Consent" targetRef="Gateway_Consent" />'
GATEWAY_IN = '<bpmn:incoming>Flow_Consent_Gateway</bpmn:incoming>\n      <bpmn:outgoing>Flow_Consent_Yes'
CONDITION = "consent_given == 'yes'</bpmn:conditionExpression>"


def with_script(script: str) -> str:
    """The journey with a script task between the consent and its gateway."""
    task = (f'<bpmn:scriptTask id="Script_Bomb" name="Berechnung" scriptFormat="python">'
            f'<bpmn:incoming>Flow_Consent_Gateway</bpmn:incoming><bpmn:outgoing>Flow_Bomb_Gateway</bpmn:outgoing>'
            f'<bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>')
    xml = SHIPPED.replace(FLOW, FLOW.replace('targetRef="Gateway_Consent"', 'targetRef="Script_Bomb"')
                          + '<bpmn:sequenceFlow id="Flow_Bomb_Gateway" sourceRef="Script_Bomb" '
                            'targetRef="Gateway_Consent" />' + task)
    return xml.replace(GATEWAY_IN, GATEWAY_IN.replace("Flow_Consent_Gateway", "Flow_Bomb_Gateway"))


def with_gateway_loop() -> str:
    """The journey with a gateway between consent and its gateway that loops back to itself (no script at all)."""
    loop = ('<bpmn:exclusiveGateway id="Gateway_Loop" default="Flow_Loop_Back">'
            '<bpmn:incoming>Flow_Consent_Gateway</bpmn:incoming><bpmn:incoming>Flow_Loop_Back</bpmn:incoming>'
            '<bpmn:outgoing>Flow_Loop_Back</bpmn:outgoing><bpmn:outgoing>Flow_Loop_Out</bpmn:outgoing>'
            '</bpmn:exclusiveGateway>'
            '<bpmn:sequenceFlow id="Flow_Loop_Back" sourceRef="Gateway_Loop" targetRef="Gateway_Loop" />'
            '<bpmn:sequenceFlow id="Flow_Loop_Out" sourceRef="Gateway_Loop" targetRef="Gateway_Consent">'
            '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">consent_given == \'nie\''
            '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    xml = SHIPPED.replace(FLOW, FLOW.replace('targetRef="Gateway_Consent"', 'targetRef="Gateway_Loop"') + loop)
    return xml.replace(GATEWAY_IN, GATEWAY_IN.replace("Flow_Consent_Gateway", "Flow_Loop_Out"))


def with_condition(expression: str) -> str:
    """The journey with the consent gateway's condition replaced."""
    return SHIPPED.replace(CONDITION, f"{escape(expression)}</bpmn:conditionExpression>")


BOMBS = {
    "endless_loop": (with_script("n = 0\nwhile True:\n    n = n + 1"), "limit von"),
    "endless_gateway_loop": (with_gateway_loop(), "Endlosschleife im Ablauf"),
    "due_date_of_huge_sum": (SHIPPED.replace("add_duration(intake_date, deadlines['assessment'])",
                                             "add_duration(intake_date, 'P' + str(sum(range(len(intake_date) "
                                             "* 100000000000))) + 'D')"), "range(…)"),
    "huge_range_sum": (with_condition("sum(range(len(consent_given) * 100000000000000)) > 0"), "range(…)"),
    "huge_string": (with_script("s = 'x' * (len(consent_given) * 1000000000)"), "Zeichenkette"),
    "recursion": (with_script("def deeper(n):\n    return deeper(n + 1)\nx = deeper(0)"), "Rekursion"),
    "huge_task_data": (with_script("chunk = 'x' * 1000000\nparts = []\nfor i in range(100):\n"
                                   "    parts.append(chunk)"), "Größenlimit"),
    "cyclic_call": (with_script("def ping(n):\n    return pong(n)\ndef pong(n):\n    return ping(n)\nx = ping(0)"),
                    "Rekursion"),
}


def name_of(bomb) -> str:
    """The name of the bomb a `bomb` fixture value came from."""
    return bomb[3]


@pytest.fixture(params=sorted(BOMBS))
def bomb(request, container, world, monkeypatch):
    """(case id, open consent task, expected reason fragment, bomb name) on a deployed bomb version."""
    xml, reason = BOMBS[request.param]
    if request.param == "endless_gateway_loop":
        # The element limit must be what ends a loop through gateways alone. Its 500 passes cost ~0.5 s of CPU
        # (the task tree grows with each), so on a busy machine the 1 s CPU budget could end it first.
        environment = container.runtime.script_engine.environment
        monkeypatch.setattr(environment, "limits", dataclasses.replace(environment.limits, seconds=30))
    uow = container.uow()
    with uow:
        deploy_definition(uow, "client_journey", xml, world.carla.id, "Bombe")
        uow.commit()
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    return case_id, drive.open_task(case_id), reason, request.param


def test_bomb_fails_within_budget_and_lands_on_the_repair_list(app, signed_in, container, world, bomb):
    case_id, task, reason, _name = bomb
    anna, ben = signed_in("anna"), app.test_client()
    outcome = {}

    def complete():
        outcome["response"] = anna.post(f"/cases/{case_id}/tasks/{task.id}", data={**CONSENT, "case_version": "1"})
        outcome["ended"] = time.monotonic()

    started = time.monotonic()
    worker = threading.Thread(target=complete)
    worker.start()
    # A second user signs in meanwhile: a write (login event), so on SQLite it waits for the bomb's write lock.
    asked_at = time.monotonic()
    meanwhile = ben.post("/login", data={"username": "ben", "password": PASSWORD})
    worker.join(timeout=30)

    assert not worker.is_alive()
    assert meanwhile.status_code == 302 and ben.get("/").status_code == 200
    if name_of(bomb) == "endless_loop":
        # The loop runs until its budget is spent: the other user asked while it was still running.
        assert asked_at < outcome["ended"]
    response = outcome["response"]
    assert response.status_code == 500 and reason in response.get_data(as_text=True)
    assert outcome["ended"] - started < 10  # the budget is one second; this is a generous bound, not a benchmark
    with container.reader() as r:
        failure = r.session.get(StepFailure, case_id)
        assert reason in failure.message and failure.failed_by == world.anna.id
        assert r.session.get(Case, case_id).version == 1  # the completion was rolled back
        assert r.session.execute(select(OpenTask.id).where(OpenTask.case_id == case_id)).scalars().all() == [task.id]
    with container.reader() as r:
        assert case_id in [e.case_id for e in errored_cases(r, world.carla)]


def test_bomb_right_after_intake_refuses_the_case_with_the_reason_and_creates_nothing(signed_in, container, world):
    xml = SHIPPED.replace("eligible == True</bpmn:conditionExpression>",
                          "sum(range(len(first_name) * 100000000000)) &gt; 0</bpmn:conditionExpression>")
    uow = container.uow()
    with uow:
        deploy_definition(uow, "client_journey", xml, world.carla.id, "Bombe")
        uow.commit()
    response = signed_in("anna").post("/cases/new", data=intake_form(world.town_a))
    assert response.status_code == 500 and "range(…)" in response.get_data(as_text=True)
    assert "Gateway_Eligible" in response.get_data(as_text=True)
    with container.reader() as r:
        assert r.session.execute(select(Case.id)).all() == []


def test_bomb_when_a_further_process_starts_is_recorded_and_leaves_no_process(signed_in, container, world):
    recognition = (Path(__file__).parents[2] / "bpmn" / "recognition.bpmn").read_text(encoding="utf-8")
    xml = recognition.replace("add_duration(step_completed_on, 'P4W')",
                              "add_duration(step_completed_on, 'P' + str(len('x' * (len(case_reference) * "
                              "10000000000))) + 'D')")
    assert xml != recognition
    uow = container.uow()
    with uow:
        deploy_definition(uow, "recognition", xml, world.carla.id, "Bombe")
        uow.commit()
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    response = signed_in("anna").post(f"/cases/{case_id}/ablaeufe", data={"key": "recognition", "version": "1"})
    assert response.status_code == 500 and "Zeichenkette" in response.get_data(as_text=True)
    with container.reader() as r:
        assert "Zeichenkette" in r.session.get(StepFailure, case_id).message
        assert r.session.get(Case, case_id).version == 1
        assert r.session.execute(select(CaseProcess.id).where(CaseProcess.kind != "journey")).all() == []
