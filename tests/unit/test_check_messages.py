"""`integraflow bpmn check` speaks German a modeler can act on: one line, naming the element, no library text,
no exception class, no raw parser key."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from lxml import etree

from engine.forms import FormRegistry
from engine.workflow import lint_definition

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def document(body: str, executable: str = "true") -> str:
    """A BPMN document with one process `P`."""
    return (f'<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" xmlns:xsi="{XSI}" id="D" '
            f'targetNamespace="x"><bpmn:process id="P" isExecutable="{executable}">{body}</bpmn:process>'
            "</bpmn:definitions>")


def through(node: str, node_id: str = "T") -> str:
    """start → node → end."""
    return (f'<bpmn:startEvent id="S"/>{node}<bpmn:endEvent id="E"/>'
            f'<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="{node_id}"/>'
            f'<bpmn:sequenceFlow id="F2" sourceRef="{node_id}" targetRef="E"/>')


def gateway_condition(condition: str) -> str:
    """start → exclusive gateway with one conditional flow `F3` and a default."""
    return document('<bpmn:startEvent id="S"/><bpmn:exclusiveGateway id="G" default="F2"/>'
                    '<bpmn:endEvent id="E"/><bpmn:endEvent id="E2"/>'
                    '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="G"/>'
                    '<bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="E"/>'
                    '<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="E2"><bpmn:conditionExpression '
                    f'xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>')


CASES = {
    "deep_nesting": (document("<bpmn:documentation>" * 300 + "</bpmn:documentation>" * 300), "",
                     "zu tief verschachtelt"),
    "decision_ref": (document(through('<bpmn:businessRuleTask id="T"/>')), "T", "Business-Rule"),
    "not_executable": (document(through('<bpmn:task id="T"/>'), executable="false"), "P", "ausführbar"),
    "data_store": (document(through('<bpmn:task id="T"><bpmn:dataOutputAssociation id="A"><bpmn:targetRef>DS'
                                    '</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:task>'
                                    '<bpmn:dataStoreReference id="DS" name="Akten"/>')), "T", "Datenverknüpfung"),
    "timer_without_time": (document(through('<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition '
                                            'id="TD"/></bpmn:intermediateCatchEvent>')), "T", "Zeitangabe"),
    "sub_process_without_start": (document(through('<bpmn:subProcess id="T"><bpmn:task id="X"/></bpmn:subProcess>')),
                                  "T", "Startereignis"),
    "task_with_two_outgoing": (document('<bpmn:startEvent id="S"/><bpmn:task id="T"/><bpmn:endEvent id="E"/>'
                                        '<bpmn:endEvent id="E2"/>'
                                        '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T"/>'
                                        '<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E"/>'
                                        '<bpmn:sequenceFlow id="F3" sourceRef="T" targetRef="E2"/>'),
                               "T", "Gateway"),
    "juel_condition": (gateway_condition("${approved == true}"), "F3", "Python-Ausdruck"),
    "juel_hash_condition": (gateway_condition("#{count &gt; 1}"), "F3", "Python-Ausdruck"),
    "feel_condition": (gateway_condition("= approved"), "F3", "Python-Ausdruck"),
    "python_syntax": (gateway_condition("approved ==="), "F3", "Syntaxfehler"),
    "broken_xml": ('<bpmn:definitions xmlns:bpmn="' + BPMN + '"><bpmn:process id="P"></bpmn:definitions>', "",
                   "wohlgeformtes XML"),
}
LIBRARY_TEXT = re.compile(r"\{http|XML_PARSE|Error\b|Exception|Traceback|is not|not supported|found \d|"
                          r"Unknown|invalid syntax|has no|Cannot|Specification|\bthe\b|\.\.\s*$")


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_message_is_german_one_line_and_names_the_element(case):
    xml, element_id, expected = CASES[case]
    problems = [p for p in lint_definition(xml) if p.severity == "error"]
    named = [p for p in problems if p.element_id == element_id and expected in p.message]
    assert named, problems
    for problem in problems:
        assert "\n" not in problem.message and not LIBRARY_TEXT.search(problem.message), problem


def test_a_juel_condition_says_what_python_would_look_like():
    [problem] = [p for p in lint_definition(gateway_condition("${approved == true}")) if p.element_id == "F3"]
    assert "approved == True" in problem.message


@pytest.mark.parametrize(("script", "warning"), [
    ("n = 0\nwhile True:\n    n = n + 1", "ohne erkennbares Ende"),
    ("def deeper(n):\n    return deeper(n + 1)\nx = deeper(0)", "ruft sich selbst auf"),
])
def test_check_warns_where_a_script_may_hit_its_limits(script, warning):
    xml = document(through(f'<bpmn:scriptTask id="T" scriptFormat="python"><bpmn:script>{script}</bpmn:script>'
                           "</bpmn:scriptTask>"))
    assert any(p.severity == "warning" and p.element_id == "T" and warning in p.message for p in lint_definition(xml))


def _mutations(count: int, seed: int = 14):
    """The shipped processes and the construct fixtures, each broken by one to three random edits."""
    root_dir = Path(__file__).parents[2]
    files = [root_dir / "bpmn" / "client_journey.bpmn", root_dir / "bpmn" / "recognition.bpmn",
             *sorted((root_dir / "tests" / "fixtures" / "constructs").glob("*.bpmn"))]
    rng = random.Random(seed)
    for _ in range(count):
        root = etree.fromstring(rng.choice(files).read_bytes())
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        for _ in range(rng.randint(1, 3)):
            el, roll = rng.choice(elements), rng.random()
            if roll < 0.4 and el.attrib:
                del el.attrib[rng.choice(list(el.attrib))]
            elif roll < 0.7 and el.getparent() is not None:
                el.getparent().remove(el)
            elif el.attrib:
                el.attrib[rng.choice(list(el.attrib))] = rng.choice(["", "x", "${a}", "P", "9999", "R/P1D"])
            else:
                el.text = rng.choice(["", "${x}", "1/0", "x ==", "P1X", "#{y}"])
        yield etree.tostring(root)


def test_no_library_text_in_any_finding_of_randomly_broken_definitions():
    registry = FormRegistry(Path(__file__).parents[2] / "bpmn" / "forms")
    leaks = {p.message for xml in _mutations(150) for p in lint_definition(xml, registry)
             if "\n" in p.message or LIBRARY_TEXT.search(p.message)}
    assert not leaks
