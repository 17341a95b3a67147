"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured), a small world.

Set INTEGRAFLOW_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run every
database test against PostgreSQL as well as SQLite.
"""
from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, create_engine, text

from engine.bootstrap import bootstrap
from engine.clock import FakeClock
from engine.config import SHIPPED_BPMN_DIR, Settings
from engine.db import Base
from engine.setup import prepare_database
from world import World, make_world


def _worker_database(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets its own PostgreSQL database (`<name>_gw0`, …), created on first use.

    Runs when this file is imported, before any test module reads the variable, and rewrites it for the worker.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base, _, name = url.rpartition("/")
    target = f"{name.split('?')[0]}_{worker}"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{target}"'))
    os.environ["INTEGRAFLOW_TEST_DATABASE_URL"] = f"{base}/{target}"
    return os.environ["INTEGRAFLOW_TEST_DATABASE_URL"]


PG_URL = _worker_database(os.environ.get("INTEGRAFLOW_TEST_DATABASE_URL"))
# The process ids of the shipped files (the id sits on the executable process element's line).
SHIPPED_KEYS = frozenset(re.search(r'<bpmn:process id="([^"]+)"', p.read_text(encoding="utf-8")).group(1)
                         for p in SHIPPED_BPMN_DIR.glob("*.bpmn"))
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pytest_sessionfinish(session, exitstatus):
    """In CI a skipped test is a failure: a test that does not run proves nothing."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(f"FEHLER: {skipped} Test(s) übersprungen – in CI nicht erlaubt.", red=True)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    container = bootstrap(Settings(database_url=f"sqlite:///{path}"))
    prepare_database(container)
    container.engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_migrated():
    """Reset the PostgreSQL test database once per session and migrate it."""
    if not PG_URL:
        return None
    container = bootstrap(Settings(database_url=PG_URL))
    with container.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    prepare_database(container)
    container.engine.dispose()
    return PG_URL


def _truncate_pg(container) -> None:
    kept = ("process_definition", "decision_definition")
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name not in kept)
    with container.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # Versions a test deployed would make the next test's new cases start on them, and processes a test created
        # would be there for the next one: keep only the shipped versions.
        conn.execute(text("DELETE FROM process_definition WHERE version > 1 OR key NOT IN :shipped")
                     .bindparams(bindparam("shipped", expanding=True)), {"shipped": list(SHIPPED_KEYS)})
        # Likewise the shipped decision-table versions (the shipped process versions pin them).
        conn.execute(text("DELETE FROM decision_definition WHERE version > 1"))


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, sqlite_template):
    """A fresh, migrated database for one test."""
    if request.param == "sqlite":
        path = tmp_path / "integraflow.sqlite"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    request.getfixturevalue("pg_migrated")
    return PG_URL


@pytest.fixture
def clock():
    """A fake clock on a Thursday morning in January 2026 (Berlin)."""
    return FakeClock(datetime(2026, 1, 15, 8, 30, tzinfo=UTC))


@pytest.fixture
def container(database_url, clock):
    """The composition root on the test database with the fake clock."""
    c = bootstrap(Settings(database_url=database_url), clock=clock)
    if database_url.startswith("postgresql"):
        _truncate_pg(c)
    prepare_database(c)
    yield c
    c.engine.dispose()


@pytest.fixture
def world(container) -> World:
    """Create the organisations, municipalities and users every scenario needs."""
    return make_world(container)
