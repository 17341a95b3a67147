"""Prozesstreue: replaying each case's completed steps against the process version it runs on."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from engine.audit import case_conformance, check_all_cases, conformance_overview
from engine.base import record_event
from engine.db import Case, CompletedTask, ConformanceResult
from journey import Driver
from support import intake_form

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def closed_case(container, world) -> str:
    """A case driven through the whole journey: intake to closure with two reviews."""
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    drive.review(world.anna, case_id)
    drive.review(world.anna, case_id, next_step="close", date="2026-08-01")
    drive.closure(world.anna, case_id)
    return case_id


def _skip_assessment(container, case_id: str) -> None:
    with container.engine.begin() as conn:
        conn.execute(delete(CompletedTask.__table__).where(CompletedTask.case_id == case_id,
                                                           CompletedTask.task_spec == "Task_Assessment"))


def test_a_case_driven_through_the_journey_conforms(container, world, closed_case):
    with container.reader() as r:
        result = case_conformance(r, world.erik, closed_case)
    assert result.fits and result.explained
    assert result.steps == 7  # intake, consent, assessment, agreement, two reviews, closure
    assert result.deviations == [] and result.enabled == []


def test_a_case_whose_assessment_was_skipped_does_not_conform_and_names_the_step(container, world, closed_case):
    _skip_assessment(container, closed_case)
    with container.reader() as r:
        result = case_conformance(r, world.anna, closed_case)
    assert not result.fits and not result.explained
    [deviation] = result.deviations
    assert (deviation["position"], deviation["step"]) == (3, "Task_TargetAgreement")
    assert deviation["expected"] == ["Bedarfsanalyse"]
    assert deviation["message"] == ("Schritt 3 „Integrationsplan und Zielvereinbarung“ war laut Prozessmodell an "
                                    "dieser Stelle nicht möglich; möglich war: „Bedarfsanalyse“.")


def test_a_migration_event_explains_a_deviation(container, world, closed_case):
    _skip_assessment(container, closed_case)
    uow = container.uow()
    with uow:
        record_event(uow, "case_migrated", world.carla.id, closed_case, reason="Umstellung auf Version 2")
        uow.commit()
    with container.reader() as r:
        result = case_conformance(r, world.erik, closed_case)
    assert not result.fits and result.explained
    assert [(e["label"], e["text"]) for e in result.explanations] == [
        ("Fall auf eine andere Prozessversion migriert", "Umstellung auf Version 2")]


def test_an_open_case_conforms_and_shows_the_next_possible_step(container, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    with container.reader() as r:
        result = case_conformance(r, world.anna, case_id)
    assert result.fits and result.steps == 4
    assert result.enabled == ["Fortschreibung des Integrationsplans"]


def test_the_full_check_stores_results_and_lists_only_deviating_cases(container, world, closed_case):
    drive = Driver(container)
    fine = drive.to_review(world.anna, intake_form(world.town_a, last_name="Okafor"))
    _skip_assessment(container, closed_case)
    summary = check_all_cases(container, batch=1)
    assert summary.checked == 2 and [r.case_id for r in summary.deviating] == [closed_case]
    with container.reader() as r:
        stored = {row.case_id: row.fits for row in r.session.execute(select(ConformanceResult)).scalars()}
        overview = conformance_overview(r, world.erik)
    assert stored == {closed_case: False, fine: True}
    assert [row.case_id for row in overview.rows] == [closed_case]
    assert (overview.checked, overview.deviating, overview.unexplained) == (2, 1, 1)
    # Checking again replaces the results instead of adding rows.
    check_all_cases(container)
    with container.reader() as r:
        assert len(r.session.execute(select(ConformanceResult)).all()) == 2


def test_the_conformance_command_lists_deviating_cases(container, world, closed_case, database_url, tmp_path):
    _skip_assessment(container, closed_case)
    env = {**os.environ, "INTEGRAFLOW_DATABASE_URL": database_url,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-m", "web.cli", "audit", "conformance"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert result.returncode == 0, result.stderr
    with container.reader() as r:
        reference = r.session.get(Case, closed_case).reference
    assert f"{reference}: 1 Abweichung(en), ohne Erklärung" in result.stdout
    assert "Schritt 3 „Integrationsplan und Zielvereinbarung“ war laut Prozessmodell" in result.stdout
    assert "1 Fälle geprüft: 0 prozesstreu, 1 mit Abweichungen." in result.stdout


def test_the_case_page_replays_a_case_once_per_state_not_on_every_view(container, world):
    from support import statements

    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    with container.reader() as r:
        first = case_conformance(r, world.anna, case_id)
    with statements(container) as seen, container.reader() as r:
        again = case_conformance(r, world.anna, case_id)
    assert again is first
    # Neither the history nor the events are read for a case that fits: only the case row for its version.
    assert [s for s in seen if "completed_task" in s or "event" in s] == []
    drive.review(world.anna, case_id)  # a completed step: a new case version
    with container.reader() as r:
        after = case_conformance(r, world.anna, case_id)
    assert after.steps == first.steps + 1


def test_an_explanation_recorded_without_a_new_case_version_counts_at_once(container, world):
    case_id = Driver(container).to_review(world.anna, intake_form(world.town_a))
    _skip_assessment(container, case_id)
    with container.reader() as r:
        before = case_conformance(r, world.anna, case_id)
    assert not before.fits and not before.explained
    uow = container.uow()
    with uow:  # a repair quittance does not change the case version
        record_event(uow, "case_repaired", world.carla.id, case_id, action="retry", reason="Schritt nachgeholt")
        uow.commit()
    with container.reader() as r:
        now = case_conformance(r, world.anna, case_id)
    assert now.explained and [(e["kind"], e["text"]) for e in now.explanations] == [
        ("case_repaired", "Schritt nachgeholt")]
    assert before.explanations == []  # the cached replay itself was not changed
