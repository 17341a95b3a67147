"""`/metrics`: Prometheus text for a token or an allowed address, figures that move with the work."""
from __future__ import annotations

import pytest
from flask_login import FlaskLoginClient
from prometheus_client.parser import text_string_to_metric_families

from engine.bootstrap import bootstrap
from engine.config import Settings
from journey import CONSENT, Driver
from support import intake_form
from web import create_app

TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False}
TOKEN = "scrape-secret-123"


@pytest.fixture
def metrics_app(container, monkeypatch):
    """The app on the test database with a metrics token and 10.0.0.0/8 allowed."""
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    settings = Settings(database_url=container.settings.database_url, metrics_token=TOKEN, metrics_allow="10.0.0.0/8")
    wired = bootstrap(settings, clock=container.clock)
    app = create_app(dict(TEST_CONFIG), container=wired)
    app.test_client_class = FlaskLoginClient
    yield app
    wired.engine.dispose()


def _scrape(app, **kwargs) -> dict[str, float]:
    response = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, **kwargs)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            key = sample.name + "".join(f"{{{k}={v}}}" for k, v in sorted(sample.labels.items()))
            samples[key] = sample.value
    return samples


@pytest.mark.parametrize("headers, address, status", [
    ({}, "127.0.0.1", 403),
    ({"Authorization": "Bearer falsch"}, "127.0.0.1", 403),
    ({"Authorization": f"Bearer {TOKEN}"}, "127.0.0.1", 200),
    ({}, "10.1.2.3", 200),
])
def test_metrics_need_the_token_or_an_allowed_address(metrics_app, headers, address, status):
    response = metrics_app.test_client().get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status


def test_metrics_are_refused_when_nothing_is_configured(client):
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_metrics_parse_and_the_completion_counter_moves_after_a_completion(metrics_app, container, world):
    driver = Driver(container)
    case_id = driver.open(world.anna, intake_form(world.town_a))
    before = _scrape(metrics_app)
    driver.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    after = _scrape(metrics_app)
    assert after["integraflow_task_completions_total"] == before["integraflow_task_completions_total"] + 1
    for name in ("integraflow_timers_due", "integraflow_timer_oldest_due_lateness_seconds", "integraflow_steps_failed",
                 "integraflow_mail_queue_pending", "integraflow_scheduler_heartbeat_age_seconds",
                 "integraflow_db_pool_checked_out", "integraflow_audit_verification_age_seconds"):
        assert name in after, name
    assert all(key.startswith("integraflow_") for key in after)


def test_request_count_and_latency_are_per_endpoint(metrics_app):
    client = metrics_app.test_client()
    client.get("/healthz")
    client.get("/healthz")
    samples = _scrape(metrics_app)
    assert samples["integraflow_http_requests_total{endpoint=health.alive}{method=GET}{status=200}"] == 2
    assert samples["integraflow_http_request_duration_seconds_count{endpoint=health.alive}{method=GET}"] == 2


def test_metrics_carry_no_paths_or_names(metrics_app, signed_in, world):
    driver_case = Driver(metrics_app.extensions["integraflow"]).open(world.anna, intake_form(world.town_a))
    signed_in("anna", on_app=metrics_app).get(f"/cases/{driver_case}")
    text = metrics_app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(
        as_text=True)
    assert driver_case not in text and "Haddad" not in text
    assert 'endpoint="cases.detail"' in text
