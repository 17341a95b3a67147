"""`/metrics` in the Prometheus text format, for a bearer token or an allowed address only.

Request counts and latencies are this process's own (one series per endpoint, never per path: paths carry case
ids). Everything else is read from the database at scrape time, so every worker reports the same queue figures.
"""
from __future__ import annotations

import hmac
import ipaddress
import time

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from engine.operations import operational_figures

from .deps import container

bp = Blueprint("metrics", __name__)
PREFIX = "integraflow_"


class _Recorder:
    """The per-app registry with the request series (per app, so test apps never share counters)."""

    def __init__(self, app):
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(f"{PREFIX}http_requests", "HTTP requests by endpoint, method and status",
                                ["endpoint", "method", "status"], registry=self.registry)
        self.latency = Histogram(f"{PREFIX}http_request_duration_seconds", "HTTP request duration by endpoint",
                                 ["endpoint", "method"], registry=self.registry,
                                 buckets=(.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
        self.registry.register(_DatabaseCollector(app))


class _DatabaseCollector:
    """Queue and error figures from indexed tables, and the connection pool's use, at scrape time."""

    def __init__(self, app):
        self.app = app

    def describe(self):
        return []

    def collect(self):
        c = self.app.extensions["integraflow"]
        f = operational_figures(c.reader())
        completions = CounterMetricFamily(f"{PREFIX}task_completions", "Completed user tasks (all processes)")
        completions.add_metric([], f.task_completions)
        yield completions
        for name, doc, value in [
            ("timers_due", "BPMN timers due and not yet fired", f.timers_due),
            ("timer_oldest_due_lateness_seconds", "How late the oldest due timer is", f.oldest_due_timer_lateness),
            ("timers_failed", "Processes whose timer step failed", f.failed_timers),
            ("steps_failed", "Cases whose last task completion failed", f.failed_steps),
            ("mail_queue_pending", "E-mails waiting to be sent", f.mail_pending),
            ("mail_queue_failed", "E-mails given up after all attempts", f.mail_failed),
            ("reminders_unread", "Reminders not yet read", f.reminders_unread),
            ("audit_verification_age_seconds", "Age of the last event-chain verification (-1: never)",
             -1 if f.audit_verification_age is None else f.audit_verification_age),
            ("audit_verification_ok", "1 when the last event-chain verification passed",
             1 if f.audit_last_ok else 0),
            ("scheduler_heartbeat_age_seconds", "Age of the newest scheduler heartbeat (-1: never)",
             -1 if f.scheduler_heartbeat_age is None else f.scheduler_heartbeat_age),
        ]:
            yield GaugeMetricFamily(PREFIX + name, doc, value=value)
        pool = c.engine.pool
        for name, doc, attr in [("db_pool_size", "Connections the pool keeps", "size"),
                                ("db_pool_checked_out", "Connections in use", "checkedout"),
                                ("db_pool_overflow", "Connections beyond the pool size", "overflow")]:
            if hasattr(pool, attr):
                yield GaugeMetricFamily(PREFIX + name, doc, value=getattr(pool, attr)())


def register(app) -> None:
    """Create the app's metrics registry and time every request."""
    app.extensions["integraflow_metrics"] = _Recorder(app)
    app.before_request(_start_timer)
    app.after_request(_count)


def _start_timer():
    g.started = time.perf_counter()


def _count(response):
    recorder = current_app.extensions["integraflow_metrics"]
    endpoint = request.endpoint or "unbekannt"
    recorder.requests.labels(endpoint, request.method, str(response.status_code)).inc()
    if "started" in g:
        recorder.latency.labels(endpoint, request.method).observe(time.perf_counter() - g.started)
    return response


def _allowed() -> bool:
    settings = container().settings
    header = request.headers.get("Authorization", "")
    if settings.metrics_token and header.startswith("Bearer ") and hmac.compare_digest(
            header[7:].strip().encode(), settings.metrics_token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    networks = [n.strip() for n in settings.metrics_allow.split(",") if n.strip()]
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


@bp.route("/metrics")
def scrape():
    """The Prometheus exposition (403 without the token or an allowed address)."""
    if not _allowed():
        abort(403)
    registry = current_app.extensions["integraflow_metrics"].registry
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
