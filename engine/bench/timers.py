"""`integraflow bench --timers`: sweeping many due timers, and the cost of a sweep when nothing is due."""
from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from engine.clock import FakeClock
from engine.db import WorkflowState
from engine.demo import clone_case
from engine.time import claim_due_cases, sweep_all_due

from .completion import ASSESSMENT, CONSENT, PLAN, _Bench

REVIEW_DUE = datetime(2026, 5, 1, 0, 0, tzinfo=UTC)


def _waiting_case(bench: _Bench) -> str:
    case_id, version = bench.open()
    for data in (CONSENT, ASSESSMENT, PLAN):
        task_id, _ = bench.task_of(case_id)
        version = bench.complete(case_id, version, data, task_id)
    return case_id


def due_sweep(bench: _Bench, timers: int) -> tuple[float, int]:
    """Seconds to fire `timers` due review timers with the real sweep; returns (seconds, fired)."""
    template = _waiting_case(bench)
    clone_case(bench.container, template, timers - 1)
    bench.container.clock.set(REVIEW_DUE + timedelta(days=1))
    bench.container.runtime.clear_cache()
    start = time.perf_counter()
    fired = sweep_all_due(bench.container, "bench").fired
    return time.perf_counter() - start, fired


def idle_sweep(bench: _Bench, cases: int, samples: int = 20) -> tuple[float, str]:
    """Median seconds of a sweep that finds nothing due among `cases` waiting cases, and the query plan."""
    template = _waiting_case(bench)
    clone_case(bench.container, template, cases - 1, with_tasks=False, batch=5000)
    bench.container.clock.set(datetime(2026, 3, 1, tzinfo=UTC))  # every review still ahead
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        claimed = claim_due_cases(bench.container, "bench")
        times.append(time.perf_counter() - start)
        assert not claimed
    with bench.container.engine.connect() as conn:
        now = bench.container.clock.now()
        query = (select(WorkflowState.process_id).where(WorkflowState.next_timer_at <= now)
                 .order_by(WorkflowState.next_timer_at).limit(500))
        compiled = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        plan = " | ".join(str(row[-1]) for row in conn.execute(text(explain + compiled)))
    return statistics.median(times), plan


def run_timer_benchmarks(due: int = 10_000, idle: int = 100_000, echo=print) -> dict:
    """Print the sweep benchmarks on a throwaway SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        bench = _Bench(Path(tmp) / "due", clock=FakeClock(datetime(2026, 1, 15, 9, tzinfo=UTC)))
        seconds, fired = due_sweep(bench, due)
        idle_bench = _Bench(Path(tmp) / "idle", clock=FakeClock(datetime(2026, 1, 15, 9, tzinfo=UTC)))
        idle_seconds, plan = idle_sweep(idle_bench, idle)
    echo("Integraflow timer sweep benchmark (SQLite)")
    echo(f"  {fired} due timers fired in {seconds:.1f} s ({fired / seconds:.0f}/s; target < 30 s for 10,000)")
    echo(f"  idle sweep over {idle} waiting cases: {idle_seconds * 1000:.2f} ms (target < 50 ms)")
    echo(f"  query plan: {plan}")
    return {"due_seconds": seconds, "fired": fired, "idle_ms": idle_seconds * 1000, "plan": plan}


__all__ = ["run_timer_benchmarks", "due_sweep", "idle_sweep"]
