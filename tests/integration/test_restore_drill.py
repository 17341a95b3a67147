"""The restore drill of docs/operations.md: back up a populated database with the documented tools, restore it
into a fresh one, and the restored copy passes `integraflow audit verify` with the same case, task and event counts.
"""
from __future__ import annotations

import shutil
import subprocess

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db import Case, CompletedTask, Event, OpenTask
from engine.demo import load_demo
from engine.setup import prepare_database
from web.cli import cli

PG_URL = __import__("os").environ.get("INTEGRAFLOW_TEST_DATABASE_URL")
DRILL_CASES = 6


def _populate(url: str) -> dict[str, int]:
    container = bootstrap(Settings(database_url=url))
    prepare_database(container)
    load_demo(container, cases=DRILL_CASES)
    counts = _counts(url)
    container.engine.dispose()
    return counts


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {model.__tablename__: conn.execute(select(func.count()).select_from(model)).scalar_one()
                  for model in (Case, OpenTask, CompletedTask, Event)}
    engine.dispose()
    return counts


def _audit_verify(url: str):
    return CliRunner().invoke(cli, ["audit", "verify"], env={"INTEGRAFLOW_DATABASE_URL": url})


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="sqlite3 command-line tool not installed")
def test_sqlite_backup_restores_into_a_fresh_database_that_verifies(tmp_path):
    live, backup, restored = tmp_path / "live.sqlite", tmp_path / "backup.sqlite", tmp_path / "fresh" / "r.sqlite"
    before = _populate(f"sqlite:///{live}")
    assert before["client_case"] == DRILL_CASES and before["event"] > 0
    # The documented commands: an online backup of the live file, then restore into a new file.
    subprocess.run(["sqlite3", str(live), f".backup '{backup}'"], check=True)
    restored.parent.mkdir()
    subprocess.run(["sqlite3", str(restored), f".restore '{backup}'"], check=True)
    result = _audit_verify(f"sqlite:///{restored}")
    assert result.exit_code == 0, result.output
    assert _counts(f"sqlite:///{restored}") == before


@pytest.mark.postgres
@pytest.mark.skipif(not (PG_URL and PG_URL.startswith("postgresql") and shutil.which("pg_dump")
                         and shutil.which("pg_restore")), reason="needs PostgreSQL and pg_dump/pg_restore")
def test_postgresql_dump_restores_into_a_fresh_database_that_verifies(tmp_path):
    server = make_url(PG_URL)
    names = {"live": f"{server.database}_drill_live", "fresh": f"{server.database}_drill_fresh"}
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{names["live"]}"'))
    urls = {k: server.set(database=v).render_as_string(hide_password=False) for k, v in names.items()}
    libpq = {k: f"postgresql://{server.username}@{server.host}:{server.port or 5432}/{v}" for k, v in names.items()}
    try:
        before = _populate(urls["live"])
        dump = tmp_path / "integraflow.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", libpq["live"]], check=True)
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{names["fresh"]}"'))
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq['fresh']}", str(dump)],
                       check=True)
        result = _audit_verify(urls["fresh"])
        assert result.exit_code == 0, result.output
        assert _counts(urls["fresh"]) == before
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
