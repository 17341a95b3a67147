"""Every periodic job the scheduler runs actually runs: a broken job would otherwise only write a log line."""
from __future__ import annotations

import logging

from engine.time import build_scheduler


def test_every_scheduled_job_runs_without_failing(container, world, caplog):
    scheduler = build_scheduler(container)
    jobs = scheduler.get_jobs()
    assert len(jobs) >= 6  # sweep, reminders, digests, mail, audit, retention
    with caplog.at_level(logging.ERROR, logger="integraflow.scheduler"):
        for job in jobs:
            job.func(*job.args, **job.kwargs)
    assert [r.getMessage() for r in caplog.records] == []
