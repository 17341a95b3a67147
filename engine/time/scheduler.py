"""Periodic jobs (APScheduler 3): timer sweep, reminders, daily digest, mail, webhooks, nightly audit, anonymisation.

The due work lives in the database; the scheduler only says "look now". Several scheduler processes may run
against one PostgreSQL: each job claims its rows, so nothing happens twice.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

# Imported at module level: a broken import must fail at start-up, not silently in every job run.
from engine.audit import check_all_cases, run_verification
from engine.operations import record_heartbeat
from engine.privacy import anonymise_due_cases

from .digests import queue_digests
from .outbox import send_pending
from .reminders import run_reminder_pass
from .timers import sweep_all_due
from .webhook_delivery import deliver_webhooks

log = logging.getLogger("integraflow.scheduler")


def worker_id() -> str:
    """Identifies this process in timer claims (host and pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _guarded(name: str, job):
    # A failing job must not stop the scheduler; the next run tries again.
    def run(*args):
        try:
            return job(*args)
        except Exception:  # noqa: BLE001
            log.exception("job %s failed", name)
            return None

    run.__name__ = name
    return run


def _sweep(container, worker: str):
    return sweep_all_due(container, worker)


def _heartbeat(container, worker: str):
    return record_heartbeat(container, worker)


def _reminders(container):
    return run_reminder_pass(container)


def _digests(container):
    return queue_digests(container)


def _send(container):
    return send_pending(container)


def _webhooks(container):
    return deliver_webhooks(container)


def _audit(container):
    run, _report = run_verification(container, "scheduler")
    if not run.ok:
        log.error("audit chain broken: %s", run.problem)
    return check_all_cases(container)


def _retention(container):
    run = anonymise_due_cases(container)
    if run.cases:
        log.info("anonymised %d cases of %d clients (closed on or before %s)", run.cases, run.clients, run.cutoff)
    return run


def build_scheduler(container, blocking: bool = False):
    """A scheduler with all jobs; started by `integraflow scheduler` (blocking) or `serve` (background)."""
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone="Europe/Berlin")
    now = datetime.now(UTC)
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600, "next_run_time": now}
    worker = worker_id()
    scheduler.add_job(_guarded("timer_sweep", _sweep), "interval", args=[container, worker], id="timer_sweep",
                      seconds=container.settings.sweep_interval_seconds, **common)
    # Readiness (/readyz) looks at this: a scheduler that stopped running jobs stops beating.
    scheduler.add_job(_guarded("heartbeat", _heartbeat), "interval", args=[container, worker], id="heartbeat",
                      seconds=30, **common)
    scheduler.add_job(_guarded("reminders", _reminders), "interval", args=[container], id="reminders",
                      minutes=5, **common)
    # Digests are queued once per day per user (unique key); running hourly catches up after downtime.
    scheduler.add_job(_guarded("digests", _digests), "cron", args=[container], id="digests", minute=5,
                      hour="6-20", coalesce=True, max_instances=1, misfire_grace_time=3600)
    # Nightly: verify the event chain and refresh the conformance results (the Prüfpfad page shows both).
    scheduler.add_job(_guarded("audit", _audit), "cron", args=[container], id="audit", hour=2, minute=30,
                      coalesce=True, max_instances=1, misfire_grace_time=6 * 3600)
    # Nightly after the audit run: anonymise closed cases past the retention period (idempotent, batched).
    scheduler.add_job(_guarded("retention", _retention), "cron", args=[container], id="retention", hour=3,
                      minute=15, coalesce=True, max_instances=1, misfire_grace_time=6 * 3600)
    scheduler.add_job(_guarded("send_mail", _send), "interval", args=[container], id="send_mail", minutes=1,
                      **common)
    scheduler.add_job(_guarded("webhooks", _webhooks), "interval", args=[container], id="webhooks", minutes=1,
                      **common)
    return scheduler
