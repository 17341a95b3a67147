"""Health and readiness: `/healthz` answers alive, `/readyz` says whether database, schema and scheduler are ready."""
from __future__ import annotations

import shutil

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db.schema import alembic_config, head_revision
from engine.operations import record_heartbeat
from web import create_app

TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False}


def _app_on(url: str, monkeypatch, clock=None):
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    return create_app(dict(TEST_CONFIG), container=bootstrap(Settings(database_url=url), clock=clock))


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_is_ready_with_a_recent_scheduler_heartbeat(client, container):
    record_heartbeat(container, "test:1")
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"status": "ok", "checks": {"database": "ok", "schema": "ok", "scheduler": "ok"}}


def test_readyz_is_503_without_a_scheduler_heartbeat(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"] == "kein Lebenszeichen"


def test_readyz_is_503_when_the_scheduler_stopped_beating(client, container, clock):
    record_heartbeat(container, "test:1")
    clock.advance(seconds=container.settings.heartbeat_max_age_seconds + 1)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"].startswith("letztes Lebenszeichen vor")


def test_readyz_is_503_when_the_schema_is_behind(tmp_path, sqlite_template, monkeypatch, clock):
    path = tmp_path / "behind.sqlite"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    previous = ScriptDirectory.from_config(alembic_config(url)).get_revision(head_revision()).down_revision
    command.stamp(alembic_config(url), previous, purge=True)
    app = _app_on(url, monkeypatch, clock)
    record_heartbeat(app.extensions["integraflow"], "test:1")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"] == "ok"
    assert checks["schema"] == f"Stand {previous}, erwartet {head_revision()}"


def test_readyz_is_503_when_the_sqlite_file_is_gone(tmp_path, sqlite_template, monkeypatch):
    path = tmp_path / "gone.sqlite"
    shutil.copy(sqlite_template, path)
    app = _app_on(f"sqlite:///{path}", monkeypatch)
    path.unlink()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "Datenbankdatei fehlt"
    assert not path.exists()  # the check did not create an empty database


@pytest.mark.postgres
def test_readyz_is_503_when_postgresql_is_unreachable(monkeypatch):
    app = _app_on("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2", monkeypatch)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("nicht erreichbar")
    assert response.get_json()["checks"]["schema"] == "nicht geprüft"
