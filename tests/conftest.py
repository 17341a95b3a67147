"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL when configured), a small world.

Set INTEGRAFLOW_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run every
database test against PostgreSQL as well as SQLite.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from engine.access import actor_of, hash_password
from engine.bootstrap import bootstrap
from engine.clock import FakeClock
from engine.config import Settings
from engine.db import Base, Municipality, Organisation, User, UserMunicipality
from engine.setup import prepare_database
from support import PASSWORD

PG_URL = os.environ.get("INTEGRAFLOW_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
# Hashing is deliberately slow; the world's users share one precomputed hash.
_HASH = hash_password(PASSWORD)


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
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "process_definition")
    with container.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        # Versions a test deployed would make the next test's new cases start on them: keep only the shipped one.
        conn.execute(text("DELETE FROM process_definition WHERE version > 1"))


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


@dataclass
class World:
    """Two providers, a municipality each, their staff, and a district compliance officer."""

    org_a: int
    org_b: int
    town_a: int
    town_b: int
    anna: object      # caseworker, org A
    ben: object       # caseworker, org A
    carla: object     # supervisor, org A
    dora: object      # caseworker, org B
    erik: object      # compliance, district
    users: dict


@pytest.fixture
def world(container) -> World:
    """Create the organisations, municipalities and users every scenario needs."""
    return make_world(container)


def make_world(container) -> World:
    """The organisations, municipalities and users of the scenarios, in any container's database."""
    uow = container.uow()
    with uow:
        s = uow.session
        district = Organisation(name="Landratsamt Testkreis", kind="district")
        a = Organisation(name="Caritas Test", kind="provider")
        b = Organisation(name="DRK Test", kind="provider")
        s.add_all([district, a, b])
        s.flush()
        town_a = Municipality(name="Astadt", organisation_id=a.id)
        town_b = Municipality(name="Bdorf", organisation_id=b.id)
        s.add_all([town_a, town_b])
        s.flush()
        people = {}
        for username, name, role, org in [("anna", "Anna Adler", "caseworker", a), ("ben", "Ben Berg", "caseworker", a),
                                          ("carla", "Carla Cramer", "supervisor", a),
                                          ("dora", "Dora Dietz", "caseworker", b),
                                          ("erik", "Erik Engel", "compliance", district)]:
            user = User(username=username, display_name=name, role=role, organisation_id=org.id, password_hash=_HASH,
                        active=True, created_at=container.clock.now())
            s.add(user)
            s.flush()
            people[username] = user
        s.add_all([UserMunicipality(user_id=people["anna"].id, municipality_id=town_a.id),
                   UserMunicipality(user_id=people["ben"].id, municipality_id=town_a.id),
                   UserMunicipality(user_id=people["dora"].id, municipality_id=town_b.id)])
        uow.commit()
        actors = {k: actor_of(u) for k, u in people.items()}
        return World(a.id, b.id, town_a.id, town_b.id, actors["anna"], actors["ben"], actors["carla"],
                     actors["dora"], actors["erik"], actors)
