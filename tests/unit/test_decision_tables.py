"""Decision tables (DMN): every row of the shipped tables, the four hit policies, and hostile cells."""
from __future__ import annotations

import pytest

from engine.config import SHIPPED_BPMN_DIR
from engine.forms import FormRegistry
from engine.workflow import DecisionError, check_decision, decision_data_names, evaluate_decision, parse_decision

ELIGIBILITY = parse_decision((SHIPPED_BPMN_DIR / "eligibility.dmn").read_text(encoding="utf-8"), 1)
REVIEW = parse_decision((SHIPPED_BPMN_DIR / "review_interval.dmn").read_text(encoding="utf-8"), 1)
BASE = {"residence_status": "recognised_refugee", "au_since": "2025-10-01", "counselling_start": "2025-12-01",
        "intake_date": "2026-01-15", "deadlines": {"counselling_max": "P3Y"}}


@pytest.mark.parametrize(("changes", "rule", "eligible", "reason_part", "end"), [
    ({"residence_status": "toleration"}, 1, False, "Duldung keine Bleibeperspektive", "2028-12-01"),
    ({"residence_status": "obliged_to_leave"}, 2, False, "ausreisepflichtig", "2028-12-01"),
    ({"residence_status": "other"}, 3, False, "keine Bleibeperspektive", "2028-12-01"),
    ({"au_since": None}, 4, False, "Anschlussunterbringung noch nicht begonnen", "2028-12-01"),
    ({"au_since": "2026-02-01"}, 4, False, "Anschlussunterbringung noch nicht begonnen", "2028-12-01"),
    ({"counselling_start": "2022-12-01"}, 5, False, "Beratungszeitraum am 01.12.2025 endete", "2025-12-01"),
    ({"residence_status": "temporary_protection_ukraine"}, 6, True, "vorübergehender Schutz (Ukraine)",
     "2028-12-01"),
    ({}, 7, True, "Anschlussunterbringung am 01.10.2025 begann", "2028-12-01"),
    ({"residence_status": "asylum_pending_good_prospects", "counselling_start": None}, 7, True,
     "Bleibeperspektive", None),
])
def test_every_row_of_the_eligibility_table(changes, rule, eligible, reason_part, end):
    result = evaluate_decision(ELIGIBILITY, {**BASE, **changes})
    assert [r.number for r in result.rules] == [rule]
    assert result.outputs["eligible"] is eligible
    assert reason_part in result.outputs["eligibility_reason"]
    assert result.outputs["eligibility_reason"].startswith("förderfähig, weil" if eligible else "nicht förderfähig")
    assert result.outputs["counselling_end"] == end
    assert result.version == 1 and result.hit_policy == "FIRST"
    assert result.inputs["Aufenthaltsstatus"] == {**BASE, **changes}["residence_status"]


@pytest.mark.parametrize(("phase", "status", "rule", "reason_part"), [
    ("first", "temporary_protection_ukraine", 1, "vorübergehendem Schutz"),
    ("first", "recognised_refugee", 2, "erste Überprüfung das Regelintervall"),
    ("follow_up", "temporary_protection_ukraine", 3, "Fortschreibungen"),
    ("follow_up", "toleration", 3, "Fortschreibungen"),
])
def test_every_row_of_the_review_interval_table(phase, status, rule, reason_part):
    result = evaluate_decision(REVIEW, {"review_phase": phase, "residence_status": status})
    assert [r.number for r in result.rules] == [rule]
    assert result.outputs["review_months"] == 3
    assert reason_part in result.outputs["review_interval_reason"]


def _table(policy: str, rules: list[tuple[str, str]], output_type: str = "integer") -> str:
    rows = "".join(f"""
      <rule id="R{i}"><inputEntry id="I{i}"><text>{cell}</text></inputEntry>
        <outputEntry id="O{i}"><text>{out}</text></outputEntry></rule>""" for i, (cell, out) in enumerate(rules, 1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="D" name="Test" namespace="x">
  <decision id="stufe" name="Stufe">
    <decisionTable id="T" hitPolicy="{policy}">
      <input id="In" label="Punkte"><inputExpression id="E" typeRef="integer"><text>punkte</text></inputExpression>
      </input>
      <output id="Out" label="Stufe" name="stufe" typeRef="{output_type}" />{rows}
    </decisionTable>
  </decision>
</definitions>"""


OVERLAPPING = [("&gt;= 10", "1"), ("&gt;= 20", "2"), ("&gt;= 30", "3")]


@pytest.mark.parametrize(("policy", "points", "rules", "stufe"), [
    ("FIRST", 25, [1], 1),
    ("RULE ORDER", 25, [1, 2], [1, 2]),
    ("COLLECT", 35, [1, 2, 3], [1, 2, 3]),
    ("COLLECT", 5, [], []),
    ("UNIQUE", 5, None, None),
])
def test_hit_policies(policy, points, rules, stufe):
    engine = parse_decision(_table(policy, OVERLAPPING))
    if rules is None:
        with pytest.raises(DecisionError, match="Keine Regel trifft"):
            evaluate_decision(engine, {"punkte": points})
        return
    result = evaluate_decision(engine, {"punkte": points})
    assert [r.number for r in result.rules] == rules
    assert result.outputs["stufe"] == stufe


def test_unique_refuses_two_matching_rules_and_takes_the_single_one():
    engine = parse_decision(_table("UNIQUE", OVERLAPPING))
    with pytest.raises(DecisionError, match=r"Mehrere Regeln treffen zu \(Regeln 1, 2\)"):
        evaluate_decision(engine, {"punkte": 25})
    disjoint = parse_decision(_table("UNIQUE", [("&lt; 10", "0"), ("&gt;= 10", "1")]))
    assert evaluate_decision(disjoint, {"punkte": 12}).outputs["stufe"] == 1
    assert [r.number for r in evaluate_decision(disjoint, {"punkte": 3}).rules] == [1]


@pytest.mark.parametrize(("cell", "output", "message"), [
    ("__import__('os')", "1", "Nicht erlaubter Name: __import__"),
    ("punkte.__class__", "1", "Nicht erlaubter Attributzugriff"),
    ("sum(range(10**9))", "1", "Nicht erlaubtes Sprachelement: Pow"),
    ("-", "sum(range(100000000))", "überschreitet das Limit"),
    ("-", "len([x for x in range(9999) for y in range(9999)])", "überschritten"),
    ("-", "open('/etc/passwd').read()", "open"),
])
def test_hostile_cells_are_refused_or_limited_with_a_german_message(cell, output, message):
    xml = _table("FIRST", [(cell, output)])
    with pytest.raises(DecisionError) as raised:
        evaluate_decision(parse_decision(xml), {"punkte": 1})
    assert message in str(raised.value)
    assert "Traceback" not in str(raised.value)


@pytest.mark.parametrize(("xml", "message"), [
    ("<nope/>", "kein DMN-Dokument"),
    ('<!DOCTYPE x [<!ENTITY a "b">]><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"/>', "DTD"),
    ('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d"/>', "genau eine Entscheidung"),
    ("kein xml", "XML"),
])
def test_unreadable_or_unsafe_dmn_is_refused_in_german(xml, message):
    with pytest.raises(DecisionError, match=message):
        parse_decision(xml)


def test_unknown_input_name_names_the_column():
    with pytest.raises(DecisionError, match="Eingabe „Punkte“: Unbekannter Name „punkte“"):
        evaluate_decision(parse_decision(_table("FIRST", [("-", "1")])), {})


KNOWN = frozenset({"punkte", "review_phase", "residence_status", "intake_date", "au_since", "counselling_start",
                   "deadlines"})


@pytest.mark.parametrize(("policy", "rules", "known", "expected"), [
    ("UNIQUE", [("&lt; 10", "0"), ("&gt;= 10", "1")], KNOWN, []),
    ("UNIQUE", OVERLAPPING, KNOWN,
     [("error", "I2", "Regel 2: überschneidet sich mit Regel 1 (beide treffen zu bei Punkte = 20)"),
      ("warning", "T", "Lücke – keine Regel trifft zu bei Punkte = 9")]),
    ("FIRST", OVERLAPPING, KNOWN, [("warning", "T", "Lücke – keine Regel trifft zu bei Punkte = 9")]),
    ("COLLECT", OVERLAPPING, KNOWN, []),
    ("FIRST", [("&gt;= 10", "1"), ("-", "0")], frozenset({"stufe"}),
     [("error", "In", "Eingabe „Punkte“: unbekanntes Feld punkte")]),
    ("FIRST", [("&gt;== 10", "1"), ("-", "0")], KNOWN, [("error", "I1", "Regel 1, Spalte „Punkte“: Syntaxfehler")]),
    ("FIRST", [("-", "open('x')")], KNOWN, [("error", "O1", "Regel 1, Ausgabe „Stufe“: unbekanntes Feld open")]),
    ("FIRST", [("-", "__import__('os')")], KNOWN, [("error", "O1", "Nicht erlaubter Name: __import__")]),
    ("ANY", [("-", "1")], KNOWN, [("error", "T", "Trefferrichtlinie „ANY“ wird nicht unterstützt")]),
])
def test_the_checker_puts_each_problem_on_its_cell(policy, rules, known, expected):
    problems = check_decision(_table(policy, rules), known)
    assert [(p.severity, p.element_id) for p in problems] == [(s, e) for s, e, _m in expected]
    for problem, (_s, _e, message) in zip(problems, expected, strict=True):
        assert message in problem.message and problem.message.startswith("Tabelle „Stufe“")


@pytest.mark.parametrize("name", ["eligibility.dmn", "review_interval.dmn"])
def test_the_shipped_tables_pass_the_checker(name):
    forms = FormRegistry(SHIPPED_BPMN_DIR / "forms")
    known = decision_data_names(forms, ((SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8"),))
    assert check_decision((SHIPPED_BPMN_DIR / name).read_text(encoding="utf-8"), known) == []


def test_the_benchmark_prints_one_line_per_shipped_table():
    from engine.bench import run_decision_benchmark

    lines: list[str] = []
    medians = run_decision_benchmark(rounds=2, echo=lines.append)
    assert set(medians) == {"eligibility", "review_interval"}
    assert [line.split(" (")[0] for line in lines] == ["Entscheidung Förderfähigkeit",
                                                       "Entscheidung Überprüfungsintervall"]
    assert all("Median" in line and "Ziel ≤ 1 ms" in line for line in lines)
