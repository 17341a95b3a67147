"""Bare SpiffWorkflow, the durable floor and the service's complete_task, timed side by side in one process.

The floor runs on the data the service itself hands to SpiffWorkflow (recorded from one service journey), so
service/floor compares like with like; the lock-held time per completion is printed for floor and service.
"""
from __future__ import annotations

import copy
import statistics
import time

from .completion import ASSESSMENT, BARE_STEPS, CONSENT, DEADLINES, PLAN, _Bench, _review_data
from .floor import Floor, _model, alternate, ms

SERVICE_PLAN = [CONSENT, ASSESSMENT, PLAN, None, None]  # None: a review naming the case's goals


class Bare:
    """bare_roundtrip's loop timed per completion: deserialize, complete, serialize; nothing written."""

    name = "bare"

    def __init__(self, runtime):
        self.runtime, self.model = runtime, _model(runtime)

    def journey(self, times: list[float]) -> None:
        """One journey of the shipped process with the bare step data."""
        runtime, model = self.runtime, self.model
        state = runtime.codec.to_json(runtime.start(model, {"deadlines": DEADLINES, "intake_date": "2026-01-15"}))
        for data in BARE_STEPS:
            start = time.perf_counter()
            workflow = runtime.codec.from_json(state, runtime.script_engine)
            runtime.complete(workflow, runtime.ready_user_tasks(model, workflow)[0].id, dict(data))
            state = runtime.codec.to_json(workflow)
            times.append(time.perf_counter() - start)


class Service:
    """complete_task through the bench installation, the forms of SERVICE_PLAN."""

    name = "service"

    def __init__(self, bench: _Bench):
        self.bench = bench

    def journey(self, times: list[float]) -> None:
        """Open a case and complete its consent, assessment, plan and two reviews, each timed."""
        b = self.bench
        case_id, version = b.open()
        for data in SERVICE_PLAN:
            task_id, goals = b.task_of(case_id)
            payload = data if data is not None else _review_data(goals)
            start = time.perf_counter()
            version = b.complete(case_id, version, payload, task_id)
            times.append(time.perf_counter() - start)

    def recorded_journey(self) -> tuple[dict, list[dict], list[dict]]:
        """One journey's data as the service hands it to SpiffWorkflow: start data, opening and timed steps."""
        runtime, calls = self.bench.container.runtime, []
        start, complete = runtime.start, runtime.complete

        def record_start(model, data):
            calls.append(copy.deepcopy(data))
            return start(model, data)

        def record_complete(workflow, task_id, data):
            calls.append(copy.deepcopy(data))
            return complete(workflow, task_id, data)

        runtime.start, runtime.complete = record_start, record_complete  # this journey only, then removed again
        try:
            self.journey([])
        finally:
            del runtime.start, runtime.complete
        start_data, *steps = calls
        return start_data, steps[:-len(SERVICE_PLAN)], steps[-len(SERVICE_PLAN):]


def floor_comparison(bench: _Bench, completions: int, rounds: int, echo) -> dict:
    """Time bare, floor and service alternately and print them side by side with the ratios and lock times."""
    service = Service(bench)
    floor = Floor(bench.container.engine, *service.recorded_journey())
    bare = Bare(bench.container.runtime.__class__(cache_size=0))
    try:
        for variant in (bare, floor, service):  # warm-up, not timed
            variant.journey([])
        floor.lock_times.clear()
        bench.lock_times.clear()
        samples = alternate([bare, floor, service], completions, rounds)
    finally:
        floor.close()
    stats = {name: ms(times) for name, times in samples.items()}
    floor_m, floor_p = stats["floor"]
    service_m, service_p = stats["service"]
    lock = {"floor": statistics.median(floor.lock_times) * 1000,
            "service": statistics.median([t for t in bench.lock_times if t is not None]) * 1000}
    echo(f"  one completion, {rounds} alternating rounds, {len(samples['service'])} completions each "
         f"(floor: the service's own step data, driver without SQLAlchemy, one transaction):")
    echo(f"  {'':8s} {'median ms':>9s} {'p95 ms':>7s} {'x floor':>8s} {'lock held ms (median)':>22s}")
    for name in ("bare", "floor", "service"):
        median, p95 = stats[name]
        held = f"{lock[name]:22.2f}" if name in lock else f"{'-':>22s}"
        echo(f"  {name:8s} {median:9.2f} {p95:7.2f} {median / floor_m:7.2f}x {held}")
    rate = floor_m / service_m
    echo(f"  service runs at {rate:.2f}x the floor's rate (median; target >= 0.8x), p95 {floor_p / service_p:.2f}x; "
         f"lock held {lock['service']:.2f} ms vs floor {lock['floor']:.2f} ms (target <= 1 ms)")
    return {"floor_ms": floor_m, "service_ms": service_m, "bare_ms": stats["bare"][0], "rate_vs_floor": rate,
            "lock_ms": lock}
