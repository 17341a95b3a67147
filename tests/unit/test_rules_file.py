"""The rules file: the shipped one is valid; broken ones are refused with the line and the reason."""
from __future__ import annotations

import pytest

from engine.compliance import SHIPPED_RULES, RulesError, RuleTargets, parse_rules, targets_of
from engine.config import SHIPPED_BPMN_DIR
from engine.forms import FormRegistry
from engine.workflow import parse_model
from support import shipped_decisions

SHIPPED = SHIPPED_RULES.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def targets() -> RuleTargets:
    """Steps of the shipped journey, fields of the shipped forms, the known event kinds."""
    model = parse_model((SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8"),
                        decisions=shipped_decisions())
    return targets_of(model, FormRegistry(SHIPPED_BPMN_DIR / "forms"))


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_shipped_rules_cover_every_mandated_step(targets):
    rules = parse_rules(SHIPPED, targets)
    assert rules.at_risk_days == 14
    assert {r.kind for r in rules.rules} == {"consent_before", "step_within", "review_gap", "closure_complete",
                                            "contact_logged_within", "single_responsible", "counselling_period"}
    assert all(r.title and r.fix for r in rules.rules)


@pytest.mark.parametrize("old, new, needle, reason", [
    ("kind: review_gap", "kind: review_gaps", "kind: review_gaps", "Unbekannte Regelart „review_gaps“"),
    ("step: closure", "step: abschluss", "step: abschluss", "Unbekannter Schritt „abschluss“"),
    ("[signed_by_client, signed_by_caseworker]", "[signed_by_client, unterschrift]", "unterschrift",
     "Unbekanntes Feld „unterschrift“ im Formular „target_agreement“"),
    ("date_field: assessment_date", "date_field: datum", "date_field: datum", "Unbekanntes Feld „datum“"),
    ("assignment_events: [case_opened, case_handed_over]", "assignment_events: [case_moved]", "case_moved",
     "Unbekannte Ereignisart „case_moved“"),
    ("grace: P14D", "grace: zwei Wochen", "grace: zwei Wochen", "Unbekannte Frist „zwei Wochen“"),
    ("      grace: P14D", "      grace: P14D\n      colour: red", "colour: red", "„colour“: Unbekannter Schlüssel."),
    ("at_risk_days: 14", "at_risk_days: 400", "at_risk_days", "Erlaubt sind 1 bis 90 Tage."),
    ("  - id: review_interval", "  - id: assessment_in_time", "id: assessment_in_time\n    kind: review_gap",
     "Die Regel-id „assessment_in_time“ ist doppelt."),
    ("    title: Kontakte zeitnah dokumentiert\n", "", "id: contacts_logged_in_time", "„title“: Pflichtangabe fehlt."),
    ("    params:\n      deadline: contact_logging", "    params:\n     deadline: [contact_logging",
     "deadline: [contact_logging", "Kein gültiges YAML"),
])
def test_broken_rules_file_is_refused_with_line_and_reason(targets, old, new, needle, reason):
    assert old in SHIPPED
    text = SHIPPED.replace(old, new, 1)
    with pytest.raises(RulesError) as refused:
        parse_rules(text, targets)
    first = needle.split("\n")[0]
    line = _line_of(text, first) if "\n" not in needle else text[:text.index(needle)].count("\n") + 1
    assert any(reason in why for _line, why in refused.value.problems), refused.value.problems
    assert any(ln in (line, line + 1) and reason in why for ln, why in refused.value.problems), \
        (line, refused.value.problems)
    assert f"Zeile {refused.value.problems[0][0]}" in refused.value.message


@pytest.mark.parametrize("text", ["", "- nur\n- eine Liste\n", "at_risk_days: 14\nrules: []\n", "\t:"])
def test_files_without_rules_are_refused(targets, text):
    with pytest.raises(RulesError) as refused:
        parse_rules(text, targets)
    assert refused.value.problems and all(reason for _line, reason in refused.value.problems)
