"""Migration 0005 chains the events that existed before it, in id order, and the chain verifies."""
from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import text

from engine.audit import verify_chain
from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db.schema import upgrade

PG_URL = os.environ.get("INTEGRAFLOW_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
SCHEMA = "migration_0005"
OLD_EVENTS = [("2026-01-02 10:00:00.000001", "login_failed", {"username": "zoë"}),
              ("2026-01-01 09:00:00", "login", {"username": "anna", "score": 2.0, "tags": ["a", {"b": 1}]}),
              ("2026-01-03 11:30:00.5", "user_created", {})]


@pytest.fixture(params=BACKENDS)
def bare_url(request, tmp_path):
    """An empty database (a fresh SQLite file, or a fresh schema in the PostgreSQL test database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    admin = bootstrap(Settings(database_url=PG_URL))
    with admin.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.engine.dispose()
    yield f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{SCHEMA}"
    with admin.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    admin.engine.dispose()


def test_existing_events_are_chained_in_id_order(bare_url):
    container = bootstrap(Settings(database_url=bare_url))
    upgrade(container.engine, "0004")
    cast = "CAST(:p AS JSONB)" if container.engine.dialect.name == "postgresql" else ":p"
    with container.engine.begin() as conn:
        for at, kind, payload in OLD_EVENTS:
            at = at if conn.dialect.name == "sqlite" else at + "+00"
            conn.execute(text(f"INSERT INTO event (at, kind, payload) VALUES (:at, :kind, {cast})"),
                         {"at": at, "kind": kind, "p": json.dumps(payload)})
    upgrade(container.engine)
    with container.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, seq, kind FROM event ORDER BY id")).all()
        assert [(r.seq, r.kind) for r in rows] == [(1, "login_failed"), (2, "login"), (3, "user_created")]
        assert conn.execute(text("SELECT seq FROM event_chain_head")).scalar() == 3
        report = verify_chain(conn)
    assert report.ok and report.checked == 3
    with pytest.raises(Exception, match="unveränderlich"):
        with container.engine.begin() as conn:
            conn.execute(text("DELETE FROM event WHERE seq = 2"))
    container.engine.dispose()
