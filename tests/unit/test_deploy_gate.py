"""The deploy gate matches the runtime: declarations, the journey's start, keys, call activities, sub-processes."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.casework import STEP_FIELDS
from engine.forms import FormRegistry
from engine.workflow import DeployContext, lint_definition, parse_model

ROOT = Path(__file__).parents[2]
FORMS = FormRegistry(ROOT / "bpmn" / "forms")
JOURNEY = (ROOT / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8")
RECOGNITION = (ROOT / "bpmn" / "recognition.bpmn").read_text(encoding="utf-8")
CONSTRUCTS = ROOT / "tests" / "fixtures" / "constructs"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"


def props(**declared) -> str:
    """An extensionElements block with integraflow properties."""
    inner = "".join(f'<camunda:property name="integraflow.{k}" value="{v}"/>' for k, v in declared.items())
    return f"<bpmn:extensionElements><camunda:properties>{inner}</camunda:properties></bpmn:extensionElements>"


def process(pid: str, body: str, kind: str = "case_process", calls: str = "") -> str:
    """A file with one process: start → body → end (body's first element must have id b1, last b_end)."""
    return (f'<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" id="D_{pid}" targetNamespace="t">'
            f'<bpmn:process id="{pid}" isExecutable="true">{props(kind=kind)}'
            f'<bpmn:startEvent id="s"/>{body}<bpmn:endEvent id="e"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="b1"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="b_end" targetRef="e"/>'
            f"</bpmn:process>{calls}</bpmn:definitions>")


def user(task_id: str = "b1", form: str = "contact", **declared) -> str:
    """A user task (with declarations)."""
    return (f'<bpmn:userTask id="{task_id}" name="Aufgabe" camunda:formKey="{form}" '
            f'camunda:candidateGroups="caseworker">{props(**declared) if declared else ""}</bpmn:userTask>')


def call(target: str, task_id: str = "b1") -> str:
    """A call activity."""
    return f'<bpmn:callActivity id="{task_id}" name="Aufruf" calledElement="{target}"/>'


# A plain task after the element under test, so that every process reaches its end.
TAIL = '<bpmn:task id="b_end"/><bpmn:sequenceFlow id="f" sourceRef="b1" targetRef="b_end"/>'


def found(problems, text: str, element: str | None = None) -> bool:
    """Some error contains `text` (at `element`, if given)."""
    return any(p.severity == "error" and text in p.message and (element is None or p.element_id == element)
               for p in problems)


def errors(problems) -> list:
    """Only the errors."""
    return [p for p in problems if p.severity == "error"]


def test_shipped_processes_pass_the_gate_of_a_fresh_installation():
    context = DeployContext(key="client_journey", step_fields=STEP_FIELDS)
    assert errors(lint_definition(JOURNEY, FORMS, context)) == []
    assert errors(lint_definition(RECOGNITION, FORMS, DeployContext(key="recognition", journey_key="client_journey",
                                                                     step_fields=STEP_FIELDS))) == []


def test_journey_without_an_intake_is_refused_at_the_process():
    xml = JOURNEY.replace('<camunda:property name="integraflow.step" value="intake" />', "")
    problems = lint_definition(xml, FORMS, DeployContext(key="client_journey", journey_key="client_journey"))
    assert found(problems, "Der Begleitprozess hat keine Erstaufnahme", "client_journey")


def test_intake_must_be_the_first_user_task_of_the_journey():
    body = user("b1") + user("b_end", "intake", step="intake") + '<bpmn:sequenceFlow id="f" sourceRef="b1" ' \
        'targetRef="b_end"/>'
    problems = lint_definition(process("j", body, kind="journey"), FORMS)
    assert found(problems, "Die Erstaufnahme muss die erste Benutzeraufgabe nach dem Start sein", "b_end")


def test_intake_belongs_to_the_journey_only():
    body = user("b1", "intake", step="intake") + TAIL
    problems = lint_definition(process("p", body), FORMS)
    assert found(problems, "Eine Erstaufnahme gibt es nur im Begleitprozess", "b1")


def test_process_id_must_be_the_key_it_is_deployed_under():
    problems = lint_definition(process("neu", user() + TAIL),
                               FORMS, DeployContext(key="anderer"))
    assert found(problems, "muss dem Schlüssel „anderer“ entsprechen", "neu")


def test_a_second_journey_and_a_journey_turned_into_a_case_process_are_refused():
    second = lint_definition(JOURNEY.replace('id="client_journey"', 'id="zweiter"').replace(
        'processRef="client_journey"', 'processRef="zweiter"'), FORMS,
        DeployContext(key="zweiter", journey_key="client_journey"))
    assert found(second, "Es gibt schon einen Begleitprozess („client_journey“)")
    demoted = lint_definition(JOURNEY.replace('value="journey"', 'value="case_process"'), FORMS,
                              DeployContext(key="client_journey", journey_key="client_journey"))
    assert found(demoted, "ist der Begleitprozess")


@pytest.mark.parametrize("declaration, text", [
    ('<camunda:property name="integraflow.step" value="anamnese"/>', "„anamnese“ ist kein gültiger Wert"),
    ('<camunda:property name="integraflow.farbe" value="rot"/>', "Die Eigenschaft „integraflow.farbe“ gilt hier nicht"),
    ('<camunda:property name="integraflow.needs_consent" value="vielleicht"/>', "„vielleicht“ ist kein gültiger Wert"),
])
def test_unknown_declarations_are_refused_with_their_element(declaration, text):
    task = (f'<bpmn:userTask id="b1" camunda:formKey="contact" camunda:candidateGroups="caseworker">'
            f"<bpmn:extensionElements><camunda:properties>{declaration}</camunda:properties>"
            f"</bpmn:extensionElements></bpmn:userTask>")
    problems = lint_definition(process("p", task + TAIL), FORMS)
    assert found(problems, text, "b1")


def test_a_step_whose_form_lacks_the_fields_it_reads_is_refused():
    body = user("b1", "contact", step="consent") + TAIL
    problems = lint_definition(process("p", body), FORMS, DeployContext(step_fields=STEP_FIELDS))
    assert found(problems, "liest aus seinem Formular „contact“ die Felder consent_date, consent_given, consent_scope",
                 "b1")


def test_call_of_its_own_process_is_a_cycle():
    problems = lint_definition(process("p", call("p") + TAIL), FORMS, DeployContext(key="p", deployed=frozenset({"p"})))
    assert found(problems, "Dieser Aufruf führt zurück zum eigenen Prozess (p → p)", "b1")


def test_indirect_call_cycle_through_deployed_processes_is_refused():
    xml = process("a", call("b") + TAIL)
    context = DeployContext(key="a", deployed=frozenset({"a", "b", "c"}),
                            calls={"b": frozenset({"c"}), "c": frozenset({"a"})})
    problems = lint_definition(xml, FORMS, context)
    assert found(problems, "(a → b → c → a)", "b1")


def test_call_of_an_unknown_process_and_of_the_journey_are_refused():
    xml = process("a", call("unbekannt") + TAIL)
    context = DeployContext(key="a", journey_key="client_journey", deployed=frozenset({"client_journey"}))
    assert found(lint_definition(xml, FORMS, context), "Der aufgerufene Prozess „unbekannt“ ist nicht bereitgestellt",
                 "b1")
    journey_call = xml.replace("unbekannt", "client_journey")
    assert found(lint_definition(journey_call, FORMS, context), "Der Begleitprozess kann nicht aufgerufen werden")


def test_embedded_sub_process_with_flows_passes_and_runs():
    xml = (CONSTRUCTS / "c_subprocess.bpmn").read_text(encoding="utf-8")
    assert errors(lint_definition(xml, FormRegistry(CONSTRUCTS / "forms"))) == []
    assert ("SP", "SU") in [(sp, task) for sp, task in parse_model(xml).sub_tasks]


def test_message_throw_without_an_expression_is_refused():
    xml = (CONSTRUCTS / "c_messages.bpmn").read_text(encoding="utf-8").replace(' camunda:expression="note"', "")
    assert found(lint_definition(xml, FormRegistry(CONSTRUCTS / "forms")), "Die Nachricht hat keinen Inhalt",
                 "ThrowDocs")


def test_process_whose_end_cannot_be_reached_is_refused():
    body = (user("b1") + '<bpmn:task id="b_end"/><bpmn:sequenceFlow id="f" sourceRef="b1" targetRef="b1_loop"/>'
            '<bpmn:task id="b1_loop"/><bpmn:sequenceFlow id="g" sourceRef="b1_loop" targetRef="b1"/>')
    problems = lint_definition(process("p", body), FORMS)
    assert found(problems, "Kein Endereignis ist vom Start aus erreichbar", "p")


def test_closure_reason_only_counts_in_the_journey():
    xml = JOURNEY.replace('value="journey"', 'value="case_process"')
    problems = lint_definition(xml, FORMS)
    assert any(p.severity == "warning" and "Abschlussgrund wirkt nur im Begleitprozess" in p.message
               for p in problems)


@pytest.mark.parametrize("reserved", ["Start", "End", "p.EndJoin"])
def test_ids_the_runtime_uses_for_itself_are_refused(reserved):
    xml = process("p", user() + TAIL).replace('id="b1"', f'id="{reserved}"').replace('targetRef="b1"',
                                                                                    f'targetRef="{reserved}"')
    xml = xml.replace('sourceRef="b1"', f'sourceRef="{reserved}"')
    problems = lint_definition(xml, FORMS, DeployContext(key="p"))
    assert found(problems, "für die Laufzeit reserviert", reserved)


def test_a_form_that_is_only_a_draft_is_named_as_such():
    xml = process("p", user(form="wohnungsbesichtigung") + TAIL)
    problems = lint_definition(xml, FORMS, DeployContext(key="p", draft_forms=frozenset({"wohnungsbesichtigung"})))
    assert found(problems, "erst ein Entwurf", "b1")
    assert found(lint_definition(xml, FORMS, DeployContext(key="p")), "nicht bekannt", "b1")
