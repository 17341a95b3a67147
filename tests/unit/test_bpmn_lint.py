"""BPMN lint: the shipped journey is clean; hostile, broken or unrunnable definitions get German findings."""
import itertools
import re
from dataclasses import FrozenInstanceError
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from engine.forms import FormRegistry
from engine.workflow import MAX_BYTES, DeployContext, Problem, check_files, lint_definition

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "bpmn" / "client_journey.bpmn"
REGISTRY = FormRegistry(ROOT / "bpmn" / "forms")
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
USER = ('<bpmn:userTask id="t1" name="Einwilligung" camunda:formKey="consent" '
        'camunda:candidateGroups="caseworker"/>')


def definition(body: str, outside: str = "") -> str:
    """A BPMN document with one executable process `p` (no diagram interchange needed)."""
    return (f'<bpmn:definitions xmlns:bpmn="{BPMN}" xmlns:camunda="{CAMUNDA}" id="D" '
            f'targetNamespace="https://integraflow.test"><bpmn:process id="p" isExecutable="true">{body}'
            f"</bpmn:process>{outside}</bpmn:definitions>")


def flow(source: str, target: str, condition: str | None = None, flow_id: str | None = None) -> str:
    """A sequence flow, optionally with a Python condition."""
    cond = f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>" if condition else ""
    return (f'<bpmn:sequenceFlow id="{flow_id or f"f_{source}_{target}"}" sourceRef="{source}" '
            f'targetRef="{target}">{cond}</bpmn:sequenceFlow>')


def linear(*nodes: str, extra: str = "", outside: str = "") -> str:
    """start → nodes … → end, with a flow between neighbours; `extra` adds elements nobody connects."""
    ids = ["start", *(re.search(r'id="([^"]+)"', n).group(1) for n in nodes), "end"]
    flows = "".join(flow(a, b) for a, b in itertools.pairwise(ids))
    body = '<bpmn:startEvent id="start"/>' + "".join(nodes) + '<bpmn:endEvent id="end"/>' + flows + extra
    return definition(body, outside)


def script(task_id: str, code: str) -> str:
    """A Python script task."""
    return (f'<bpmn:scriptTask id="{task_id}" scriptFormat="python"><bpmn:script>{escape(code)}</bpmn:script>'
            "</bpmn:scriptTask>")


def decision(condition: str, *, default: bool = True, other: str | None = None, before: str = "") -> str:
    """t1 (consent form) → gateway g → f_yes (condition) to end_yes, f_no (default or `other`) to end_no."""
    gateway = '<bpmn:exclusiveGateway id="g"' + (' default="f_no"' if default else "") + "/>"
    first = re.search(r'id="([^"]+)"', before).group(1) if before else "t1"
    chain = flow("start", "t1") + (flow("t1", first) + flow(first, "g") if before else flow("t1", "g"))
    return definition(
        '<bpmn:startEvent id="start"/>' + USER + before + gateway
        + '<bpmn:endEvent id="end_yes"/><bpmn:endEvent id="end_no"/>' + chain
        + flow("g", "end_yes", condition, "f_yes") + flow("g", "end_no", other, "f_no"))


def timer(kind: str, expression: str) -> str:
    """t1 with a non-interrupting boundary timer leading to its own end event."""
    boundary = (f'<bpmn:boundaryEvent id="timer" attachedToRef="t1" cancelActivity="false">'
                f"<bpmn:timerEventDefinition><bpmn:{kind}>{escape(expression)}</bpmn:{kind}>"
                "</bpmn:timerEventDefinition></bpmn:boundaryEvent>")
    return linear(USER, extra=boundary + '<bpmn:endEvent id="late"/>' + flow("timer", "late"))


def event(tag: str, event_definition: str, event_id: str = "x") -> str:
    """An event element with one event definition."""
    return f'<bpmn:{tag} id="{event_id}">{event_definition}</bpmn:{tag}>'


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the errors."""
    return [p for p in problems if p.severity == "error"]


def has(problems: list[Problem], severity: str, element_id: str, text: str) -> bool:
    """True if some finding has this severity and element id and contains `text`."""
    return any(p.severity == severity and p.element_id == element_id and text in p.message for p in problems)


def test_shipped_client_journey_has_no_errors_and_no_warnings():
    # The journey's business-rule tasks use the shipped decision tables (the deploy gate passes the deployed ones).
    tables = tuple((p.read_text(encoding="utf-8"), 1) for p in sorted(SHIPPED.parent.glob("*.dmn")))
    assert lint_definition(SHIPPED.read_bytes(), REGISTRY, DeployContext(decisions=tables)) == []


def test_shipped_journey_without_its_decision_tables_gets_a_warning_not_a_crash():
    problems = lint_definition(SHIPPED.read_bytes(), REGISTRY)
    assert [(p.severity, p.element_id) for p in problems] == [("warning", "Decision_Eligibility")]
    assert "eligibility, review_interval" in problems[0].message


@pytest.mark.parametrize("document", [
    linear(USER),
    decision("consent_given == 'yes'"),
    decision("case_reference != '' and eligible", default=False, other="not eligible"),
    linear(USER, script("s", "total = len(goals)\nif total > 0:\n    first = goals[0]")),
], ids=["linear", "decision", "decision-without-default-but-exhaustive", "script"])
def test_small_runnable_definitions_are_clean(document):
    assert errors(lint_definition(document, REGISTRY)) == []


def test_str_and_bytes_give_the_same_findings():
    document = decision("unknown_field == 1")
    assert lint_definition(document, REGISTRY) == lint_definition(document.encode("utf-8"), REGISTRY)


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + "]><lolz>&lol9;</lolz>")


@pytest.mark.parametrize("data, expected", [
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DTD"),
    (BILLION_LAUGHS, "DTD"),
    (('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]>' + linear(USER))
     .encode("utf-16"), "DTD"),
    (lambda: b"<!--" + b" " * (50 * 1024 * 1024) + b"-->" + linear(USER).encode(), "zu groß"),
    ("<html><body>Hallo</body></html>", "kein BPMN-2.0-Dokument"),
    ("<bpmn:definitions xmlns:bpmn='" + BPMN + "'><bpmn:process id='p'>", "kein wohlgeformtes XML"),
    (b"", "Die Datei ist leer"),
    (b"  \n", "Die Datei ist leer"),
    (f'<bpmn:definitions xmlns:bpmn="{BPMN}" id="D"/>', "keinen Prozess"),
], ids=["xxe", "billion-laughs", "utf16-dtd", "50mb", "not-bpmn", "not-well-formed", "empty", "whitespace",
        "no-process"])
def test_hostile_or_broken_files_are_refused_with_one_german_error(data, expected):
    # The 50 MB document is built only when its test runs, not held for the whole session.
    problems = lint_definition(data() if callable(data) else data, REGISTRY)
    assert len(problems) == 1
    assert problems[0].severity == "error" and expected in problems[0].message
    assert "passwd" not in problems[0].message and "lollol" not in problems[0].message


@pytest.mark.parametrize("document, element_id, expected", [
    (decision("__import__('os').system('id') == 0"), "f_yes", "Nicht erlaubter Name: __import__"),
    (decision("().__class__.__bases__[0].__subclasses__()"), "f_yes",
     "Nicht erlaubter Attributzugriff: .__class__"),
    (decision("(lambda: 0).__globals__"), "f_yes", ".__globals__"),
    (decision("getattr(consent_given, 'upper')() == 'YES'"), "f_yes", "Nicht erlaubte Funktion 'getattr'"),
    (decision("type(consent_given) == str"), "f_yes", "Nicht erlaubte Funktion 'type'"),
    (decision("consent_given =="), "f_yes", "Syntaxfehler"),
    (decision("\n    consent_given == 'yes'\n"), "f_yes", "Einrückung"),
    (decision("-" * 100_000 + "1"), "f_yes", "Ausdruck zu lang"),
    (linear(USER, script("s", "secret = open('/etc/passwd').read()")), "s", "Nicht erlaubte Funktion 'open'"),
    (linear(USER, script("s", "import os\nos.system('id')")), "s", "Nicht erlaubtes Sprachelement: Import"),
    (linear(USER, script("s", "match '{0}':\n    case str(format=f):\n        leak = f(1)")), "s",
     "Nicht erlaubtes Sprachelement: Match"),
    (linear(USER, script("s", "return 1")), "s", "„return“ außerhalb einer Funktion"),
    (linear(USER, script("s", "   ")), "s", "Skript: ist leer"),
    (linear(USER.replace("/>", ' camunda:dueDate="eval(\'1\')"/>')), "t1",
     "Fälligkeitsausdruck: Nicht erlaubte"),
], ids=["import", "subclasses", "lambda-globals", "getattr", "type", "syntax", "indent", "deep-nesting",
        "open", "import-statement", "match-format", "return", "empty-script", "due-date"])
def test_unsafe_or_broken_code_is_an_error_at_its_element(document, element_id, expected):
    problems = lint_definition(document, REGISTRY)
    assert has(problems, "error", element_id, expected), problems


@pytest.mark.parametrize("element, element_id, expected", [
    ('<bpmn:serviceTask id="x"/>', "x", "Service-Tasks"),
    ('<bpmn:complexGateway id="x"/>', "x", "Komplexe Gateways"),
    ('<bpmn:sendTask id="x"/>', "x", "ohne Nachricht"),
    ('<bpmn:receiveTask id="x"/>', "x", "ohne Nachricht"),
    ('<bpmn:adHocSubProcess id="x"><bpmn:task id="inner"/></bpmn:adHocSubProcess>', "x", "Ad-hoc"),
    ('<bpmn:transaction id="x"><bpmn:startEvent id="ts"/></bpmn:transaction>', "x", "Transaktionen"),
    (event("intermediateThrowEvent", "<bpmn:compensateEventDefinition/>"), "x", "Kompensation"),
    (event("intermediateThrowEvent", '<bpmn:linkEventDefinition name="L"/>'), "x", "Link-Ereignisse"),
    (event("intermediateCatchEvent", "<bpmn:conditionalEventDefinition><bpmn:condition>a == 1"
                                     "</bpmn:condition></bpmn:conditionalEventDefinition>"), "x",
     "Bedingte Ereignisse"),
    (event("intermediateCatchEvent", '<bpmn:messageEventDefinition messageRef="M"/>'), "x", "nie gesendet"),
    ('<bpmn:choreographyTask id="x"/>', "x", "'choreographyTask' wird von der Laufzeit nicht unterstützt"),
], ids=["service", "complex-gateway", "send", "receive", "ad-hoc", "transaction",
        "compensation", "link", "conditional-event", "message-never-sent", "unknown-element"])
def test_elements_the_runtime_cannot_run_are_errors(element, element_id, expected):
    problems = lint_definition(linear(USER, element, outside='<bpmn:message id="M" name="M"/>'), REGISTRY)
    assert has(problems, "error", element_id, expected), problems


def test_message_sent_in_the_same_definition_may_be_caught():
    thrower = ('<bpmn:intermediateThrowEvent id="send"><bpmn:messageEventDefinition messageRef="M"/>'
               "</bpmn:intermediateThrowEvent>")
    catcher = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="M"/>'
               "</bpmn:intermediateCatchEvent>")
    problems = lint_definition(linear(USER, thrower, catcher, outside='<bpmn:message id="M" name="M"/>'))
    assert not any("nie gesendet" in p.message for p in problems)


LANE = ('<bpmn:laneSet id="ls"><bpmn:lane id="L" name="{}"><bpmn:flowNodeRef>t1</bpmn:flowNodeRef>'
        "</bpmn:lane></bpmn:laneSet>")


@pytest.mark.parametrize("task, lane, expected", [
    ('<bpmn:userTask id="t1" camunda:candidateGroups="caseworker"/>', None, "ohne Formular"),
    ('<bpmn:userTask id="t1" camunda:formKey="steuererklaerung" camunda:candidateGroups="caseworker"/>', None,
     "'steuererklaerung' ist nicht bekannt"),
    ('<bpmn:userTask id="t1" camunda:formKey="consent"/>', None, "keine Rolle"),
    ('<bpmn:userTask id="t1" camunda:formKey="consent"/>', "Buchhaltung", "keiner Rolle zugeordnet"),
    ('<bpmn:userTask id="t1" camunda:formKey="consent" camunda:candidateGroups="hausmeister"/>', None,
     "Unbekannte Rolle 'hausmeister'"),
], ids=["no-form", "unknown-form", "no-role", "unmapped-lane", "unknown-group"])
def test_user_tasks_need_a_known_form_and_a_role(task, lane, expected):
    problems = lint_definition(linear(task, extra=LANE.format(lane) if lane else ""), REGISTRY)
    assert has(problems, "error", "t1", expected), problems


def test_a_lane_that_names_a_role_is_enough():
    task = '<bpmn:userTask id="t1" camunda:formKey="eligibility_review"/>'
    assert lint_definition(linear(task, extra=LANE.format("Teamleitung")), REGISTRY) == []


def test_unknown_form_is_not_reported_without_a_registry():
    task = '<bpmn:userTask id="t1" camunda:formKey="steuererklaerung" camunda:candidateGroups="caseworker"/>'
    assert lint_definition(linear(task)) == []


def test_unreachable_task_is_an_error_but_a_boundary_event_of_a_reachable_task_is_not():
    orphan = USER.replace('id="t1"', 'id="orphan"')
    problems = lint_definition(linear(USER, extra=orphan), REGISTRY)
    assert has(problems, "error", "orphan", "nicht erreichbar")
    assert lint_definition(timer("timeDuration", '"P3M"'), REGISTRY) == []


@pytest.mark.parametrize("kind, expression", [
    ("timeDuration", '"P3M"'),
    ("timeDuration", '"PT36H"'),
    ("timeDate", '"2026-01-01T00:00"'),
    ("timeDate", '"2026-01-01"'),
    ("timeDate", "next_review_due"),
    ("timeCycle", '"R3/P1W"'),
    ("timeDuration", "deadlines['review_interval']"),
])
def test_valid_timer_expressions_pass(kind, expression):
    assert lint_definition(timer(kind, expression), REGISTRY) == []


@pytest.mark.parametrize("kind, expression, expected", [
    ("timeDuration", '"P3X"', "Ungültiger Zeitausdruck 'P3X'"),
    ("timeDuration", "P3X", "Ungültiger Zeitausdruck 'P3X'"),
    ("timeDuration", '"2026-01-01T00:00"', "Ungültiger Zeitausdruck"),
    ("timeDate", '"P3M"', "Ungültiger Zeitausdruck 'P3M'"),
    ("timeDate", '"2026-13-01"', "Ungültiger Zeitausdruck"),
    ("timeCycle", '"P1W"', "Ungültiger Zeitausdruck"),
    ("timeDuration", "P3M", 'Anführungszeichen stehen: "P3M"'),
    ("timeDate", "2026-01-01T00:00", "Anführungszeichen"),
    ("timeDate", "__import__('os')", "Nicht erlaubter Name"),
    ("timeDate", "", "Zeitausdruck: ist leer"),
    # SpiffWorkflow counts years out month by month: these kept the deploy check busy for many minutes.
    ("timeDuration", '"P99999999Y"', "Die Dauer „P99999999Y“ ist zu lang (höchstens 200 Jahre)"),
    ("timeCycle", '"R2/P99999999Y"', "Die Dauer „P99999999Y“ ist zu lang"),
    ("timeCycle", '"R2/2026-01-01T00:00/P99999999M"', "Die Dauer „P99999999M“ ist zu lang"),
    ("timeDuration", '"P"', "Ungültiger Zeitausdruck 'P'"),
], ids=["P3X", "bare-P3X", "date-as-duration", "duration-as-date", "month-13", "cycle-without-R", "bare-P3M",
        "bare-date", "import", "empty", "duration-too-long", "cycle-too-long", "cycle-with-start-too-long",
        "nothing"])
def test_invalid_timer_expressions_are_errors_at_the_event(kind, expression, expected):
    problems = lint_definition(timer(kind, expression), REGISTRY)
    assert has(problems, "error", "timer", expected), problems


def test_gateway_without_default_is_a_warning_and_an_unconditional_branch_an_error():
    problems = lint_definition(decision("consent_given == 'yes'", default=False), REGISTRY)
    assert has(problems, "warning", "g", "ohne Standardfluss")
    assert has(problems, "error", "f_no", "ohne Bedingung")


def test_default_flow_must_leave_the_gateway():
    document = decision("consent_given == 'yes'").replace('default="f_no"', 'default="f_t1_g"')
    assert has(lint_definition(document, REGISTRY), "error", "g", "geht nicht von diesem Gateway aus")


def test_condition_on_a_flow_out_of_a_task_is_an_error_because_spiff_ignores_it():
    ends = '<bpmn:endEvent id="a"/><bpmn:endEvent id="b"/>'
    document = definition('<bpmn:startEvent id="start"/>' + USER + ends
                          + flow("start", "t1") + flow("t1", "a", "consent_given == 'yes'") + flow("t1", "b"))
    assert has(lint_definition(document, REGISTRY), "error", "f_t1_a", "nie ausgewertet")


@pytest.mark.parametrize("condition, before, warned", [
    ("unknown_field == 1", "", ["unknown_field"]),
    ("consent_given == 'yes' and consent_scope", "", []),
    ("eligible and len(goals) > 0 and intake_date", "", []),
    ("score > 3", script("s", "score = len(goals)"), []),
    ("input > 3", script("s", "input = len(goals)"), []),
    ("[x for x in goals if x.get('status') == wanted_status]", "", ["wanted_status"]),
], ids=["unknown", "form-fields", "engine-names", "script-assigned", "data-named-like-builtin",
        "comprehension"])
def test_gateway_conditions_reading_fields_no_form_captures_are_warned(condition, before, warned):
    problems = lint_definition(decision(condition, before=before), REGISTRY)
    assert errors(problems) == []
    assert [re.search(r"'(\w+)'", p.message).group(1) for p in problems] == warned
    assert all(p.element_id == "f_yes" and "das kein Formular erfasst" in p.message for p in problems)


def test_problems_are_sorted_errors_first_then_by_element_id():
    orphan = USER.replace('id="t1"', 'id="a_orphan"')
    document = decision("nobody_knows == 1", default=False)
    document = document.replace("</bpmn:process>", orphan + "</bpmn:process>")
    problems = lint_definition(document, REGISTRY)
    assert [(p.severity, p.element_id) for p in problems] == [
        ("error", "a_orphan"), ("error", "f_no"), ("warning", "f_yes"), ("warning", "g")]


def test_spiffworkflow_parser_errors_are_reported():
    problems = lint_definition(definition(USER), REGISTRY)  # no start event
    assert has(problems, "error", "p", "kein Startereignis")


def test_problem_is_immutable():
    with pytest.raises(FrozenInstanceError):
        Problem("error", "x", "m").message = "anders"


def test_check_files_reports_missing_oversized_and_good_files(tmp_path):
    good, big, missing = tmp_path / "gut.bpmn", tmp_path / "gross.bpmn", tmp_path / "fehlt.bpmn"
    good.write_text(linear(USER), encoding="utf-8")
    big.write_bytes(b" " * (MAX_BYTES + 1))
    results = check_files([good, big, missing, tmp_path], REGISTRY)
    assert results[good] == []
    assert [p.severity for p in results[big]] == ["error"] and "zu groß" in results[big][0].message
    for path in (missing, tmp_path):
        assert len(results[path]) == 1 and "Datei nicht gefunden oder nicht lesbar" in results[path][0].message


@pytest.mark.parametrize(("element", "context", "severity", "expected"), [
    ('<bpmn:businessRuleTask id="x" camunda:decisionRef="d"/>', None, "warning", "Verwendet Entscheidungstabellen (d)"),
    ('<bpmn:businessRuleTask id="x" camunda:decisionRef="d"/>', DeployContext(decisions=()), "error",
     "Entscheidungstabelle „d“ ist nicht bereitgestellt"),
    ('<bpmn:businessRuleTask id="x"/>', DeployContext(decisions=()), "error", "nennt keine Entscheidungstabelle"),
])
def test_business_rule_tasks_need_a_deployed_decision_table(element, context, severity, expected):
    problems = lint_definition(linear(USER, element), REGISTRY, context)
    assert has(problems, severity, "x", expected), problems
