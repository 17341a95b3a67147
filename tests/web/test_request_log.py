"""Structured request logs: one JSON line per request with id, user, endpoint, status, duration; no personal data."""
from __future__ import annotations

import io
import json
import logging

import pytest
from flask_login import FlaskLoginClient

from engine.bootstrap import bootstrap
from engine.config import Settings
from support import intake_form
from web import create_app
from web.request_log import configure_logging

TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False}


@pytest.fixture
def json_app(container, monkeypatch):
    """The app with INTEGRAFLOW_LOG_FORMAT=json, its log lines captured in a buffer."""
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    monkeypatch.setenv("INTEGRAFLOW_LOG_FORMAT", "json")
    wired = bootstrap(Settings(database_url=container.settings.database_url), clock=container.clock)
    app = create_app(dict(TEST_CONFIG), container=wired)
    app.test_client_class = FlaskLoginClient
    buffer = io.StringIO()
    configure_logging(wired.settings.log_format, stream=buffer)
    app.log_buffer = buffer
    yield app
    configure_logging("text")
    wired.engine.dispose()


def _request_lines(app) -> list[dict]:
    lines = [json.loads(line) for line in app.log_buffer.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "integraflow.request"]


def test_one_json_line_per_request_with_id_user_endpoint_status_duration(json_app, world):
    from web.auth import LoginUser

    client = json_app.test_client(user=LoginUser(world.anna))
    response = client.get("/cases/", headers={"X-Request-ID": "proxy-id-12345678"})
    assert response.headers["X-Request-ID"] == "proxy-id-12345678"
    [line] = _request_lines(json_app)
    assert line["request_id"] == "proxy-id-12345678"
    assert line["user_id"] == world.anna.id
    assert line["endpoint"] == "cases.index"
    assert line["method"] == "GET" and line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and "ts" in line


def test_request_log_carries_no_personal_data(json_app, world):
    from engine.casework import open_case
    from web.auth import LoginUser

    case_id = open_case(json_app.extensions["integraflow"].uow(), intake_form(world.town_a), world.anna)
    client = json_app.test_client(user=LoginUser(world.anna))
    client.get(f"/cases/{case_id}")
    client.get("/cases/?q=Haddad")
    text = json_app.log_buffer.getvalue()
    assert "Haddad" not in text and "Amina" not in text and case_id not in text
    assert [line["endpoint"] for line in _request_lines(json_app)] == ["cases.detail", "cases.index"]


def test_a_forged_request_id_is_replaced(json_app):
    response = json_app.test_client().get("/healthz", headers={"X-Request-ID": "bad id; <script>"})
    assert response.headers["X-Request-ID"] != "bad id; <script>"
    assert len(response.headers["X-Request-ID"]) == 32
    assert _request_lines(json_app)[0]["request_id"] == response.headers["X-Request-ID"]


def test_error_page_shows_the_request_id(signed_in, world):
    client = signed_in("anna")
    response = client.get("/cases/00000000-0000-0000-0000-000000000000", headers={"X-Request-ID": "err-id-87654321"})
    assert response.status_code == 404
    assert "err-id-87654321" in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == "err-id-87654321"


def test_errors_logged_during_a_request_carry_its_id(json_app):
    @json_app.route("/boom-for-test")
    def boom():
        logging.getLogger("integraflow.web").warning("etwas ging schief")
        return "ok"

    from web.access_matrix import PUBLIC  # noqa: F401 - the route is outside the matrix: 403, still logged

    json_app.test_client().get("/boom-for-test", headers={"X-Request-ID": "warn-id-1234567"})
    lines = [json.loads(line) for line in json_app.log_buffer.getvalue().splitlines()]
    assert all(line["request_id"] == "warn-id-1234567" for line in lines)


def test_the_setup_revives_every_app_logger_a_library_disabled(monkeypatch):
    ours = [logging.getLogger(name) for name in ("integraflow.web", "integraflow.scheduler", "integraflow.request")]
    other = logging.getLogger("somebody.else")
    for logger in [*ours, other]:
        monkeypatch.setattr(logger, "disabled", True)  # as dictConfig/fileConfig (Alembic's env.py) leave them
    configure_logging("text")
    assert [logger.disabled for logger in ours] == [False, False, False]
    assert other.disabled  # only the app's own loggers
