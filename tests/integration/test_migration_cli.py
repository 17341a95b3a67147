"""`integraflow cases migrate`: preview table, dry run, migration, exit status when nothing could move."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.db import Case, Event
from migration_cases import deploy_v2, scenario_cases
from web.cli.commands import cli


@pytest.fixture
def scene(container, world, database_url, monkeypatch):
    """The scenario cases with v2 deployed; the CLI reads the same database."""
    cases = scenario_cases(container, world)
    cases["v2"] = deploy_v2(container, world.carla.id)
    monkeypatch.setenv("INTEGRAFLOW_DATABASE_URL", database_url)
    with container.reader() as r:
        cases["refs"] = dict(r.session.execute(select(Case.id, Case.reference)).all())
    return cases


def _run(*args):
    return CliRunner().invoke(cli, ["cases", "migrate", *args])


def _definition(container, case_id):
    with container.reader() as r:
        return r.session.get(Case, case_id).definition_id


def test_dry_run_prints_the_preview_and_changes_nothing(container, scene):
    result = _run("--key", "client_journey", "--to", "2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Zielversion 2, 3 laufende Fälle auf älteren Versionen, 2 migrierbar" in result.output
    assert scene["refs"][scene["waiting"]] in result.output
    assert "migrierbar: nein: Schritt „Überprüfung fällig“ wartet bereits" in result.output
    assert _definition(container, scene["early"]) != scene["v2"]


def test_migrates_what_can_move_and_fails_when_nothing_can(container, scene):
    result = _run("--to", "2")
    assert result.exit_code == 0, result.output
    assert "2 migriert, 0 übersprungen" in result.output
    assert _definition(container, scene["early"]) == scene["v2"]
    assert _definition(container, scene["waiting"]) != scene["v2"]
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "case_migrated")).scalars().first()
    assert event.actor_id is None and event.payload["actor"] == "kommandozeile"
    again = _run("--to", "2", "--case", scene["refs"][scene["waiting"]])
    assert again.exit_code == 1 and "Kein Fall konnte migriert werden" in again.output


def test_unknown_reference_is_a_clear_error(scene):
    result = _run("--case", "GIBT-ES-NICHT")
    assert result.exit_code == 1 and "Unbekannte Aktenzeichen: GIBT-ES-NICHT" in result.output
    assert "Traceback" not in result.output
