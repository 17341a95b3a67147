"""`integraflow bpmn check` with .dmn files and `integraflow dmn eval`: German lines, no traceback."""
from __future__ import annotations

import pytest
from test_cli import ROOT, no_traceback, run

TABLES = ROOT / "bpmn"
REVIEW = TABLES / "review_interval.dmn"


def test_check_accepts_the_shipped_tables_with_the_journey(tmp_path):
    result = run(tmp_path, "bpmn", "check", str(TABLES / "eligibility.dmn"), str(REVIEW),
                 str(TABLES / "client_journey.bpmn"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": in Ordnung") == 3


def test_check_puts_an_overlap_and_an_unknown_field_on_their_cells(tmp_path):
    broken = tmp_path / "intervall.dmn"
    broken.write_text(REVIEW.read_text(encoding="utf-8")
                      .replace('<text>!= "temporary_protection_ukraine"</text>', "<text>-</text>")
                      .replace("<text>review_phase</text>", "<text>phase_der_begleitung</text>"), encoding="utf-8")
    result = run(tmp_path, "bpmn", "check", str(broken))
    assert result.returncode == 1 and no_traceback(result)
    assert f"{broken}: [Input_Phase] Fehler: Tabelle „Überprüfungsintervall“, Eingabe „Phase“: unbekanntes Feld " \
           "phase_der_begleitung" in result.stdout


def test_check_finds_the_overlap_on_the_rule_cell(tmp_path):
    broken = tmp_path / "intervall.dmn"
    broken.write_text(REVIEW.read_text(encoding="utf-8")
                      .replace('<text>!= "temporary_protection_ukraine"</text>', "<text>-</text>"), encoding="utf-8")
    result = run(tmp_path, "bpmn", "check", str(broken))
    assert result.returncode == 1
    assert "[Entry_FirstOther_Phase] Fehler: Tabelle „Überprüfungsintervall“, Regel 2: überschneidet sich mit " \
           "Regel 1" in result.stdout


def test_eval_prints_the_matched_rule_and_the_outputs(tmp_path):
    result = run(tmp_path, "dmn", "eval", str(TABLES / "eligibility.dmn"), "--input", "residence_status=toleration",
                 "--input", "au_since=2025-10-01", "--input", "counselling_start=null")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Tabelle „Förderfähigkeit“ – erste passende Regel (FIRST)",
        "Regel 1 trifft zu: Geduldete haben keine Bleibeperspektive (Denkschrift 2022 des Rechnungshofs).",
        "  Förderfähig (eligible) = nein",
        "  Begründung (eligibility_reason) = nicht förderfähig, weil eine Duldung keine Bleibeperspektive bietet",
        "  Beratung bis (counselling_end) = –",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (["--input", "review_phase=first"], "Unbekannter Name „residence_status“"),
    (["--input", "=first"], "bitte als NAME=WERT angeben"),
    (["--input", "review_phase=zweite", "--input", "residence_status=x"], "Keine Regel trifft"),
])
def test_eval_refuses_bad_input_in_german_without_traceback(tmp_path, args, message):
    result = run(tmp_path, "dmn", "eval", str(REVIEW), *args)
    assert result.returncode != 0 and no_traceback(result)
    assert message in result.stderr


@pytest.mark.parametrize("content", ["<kein/>", '<!DOCTYPE x [<!ENTITY a "b">]><x/>'])
def test_eval_refuses_files_that_are_no_safe_dmn(tmp_path, content):
    path = tmp_path / "x.dmn"
    path.write_text(content, encoding="utf-8")
    result = run(tmp_path, "dmn", "eval", str(path))
    assert result.returncode == 1 and no_traceback(result) and result.stderr.startswith("Fehler: ")


def test_check_with_the_database_uses_its_forms_and_processes(tmp_path):
    assert run(tmp_path, "db", "upgrade").returncode == 0
    result = run(tmp_path, "bpmn", "check", "--db", str(REVIEW))
    assert result.returncode == 0 and f"{REVIEW}: in Ordnung" in result.stdout
