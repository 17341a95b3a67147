"""Bare SpiffWorkflow, the durable floor and the service's complete_task, timed side by side in one process.

The floor runs on the data the service itself hands to SpiffWorkflow (recorded from one service journey), so
service/floor compares like with like; the lock-held time per completion is printed for floor and service.
"""
from __future__ import annotations

import copy
import statistics
import time

from .completion import ASSESSMENT, BARE_STEPS, CONSENT, DEADLINES, PLAN, _Bench, _review_data
from .domain_floor import DomainFloor
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


def _posts(goals: int) -> list[dict]:
    """The form posts of SERVICE_PLAN as the service receives them (reviews name `goals` goals)."""
    return [data if data is not None else _review_data([f"goal-{i}" for i in range(goals)]) for data in SERVICE_PLAN]


def floor_comparison(bench: _Bench, completions: int, rounds: int, echo) -> dict:
    """Time bare, floor, floor+domain and service alternately and print them side by side with ratios and locks."""
    service = Service(bench)
    recorded = service.recorded_journey()
    goals = sum(1 for key in PLAN if key.endswith("-title"))
    floor = Floor(bench.container.engine, *recorded)
    with bench.container.reader() as reader:
        forms = reader.forms  # the forms in force, parsed once (a registry outlives the read)
    domain = DomainFloor(bench.container.engine, *recorded, _posts(goals), forms.get, bench.container.clock.today())
    bare = Bare(bench.container.runtime.__class__(cache_size=0))
    try:
        for variant in (bare, floor, domain, service):  # warm-up, not timed
            variant.journey([])
        floor.lock_times.clear()
        domain.lock_times.clear()
        bench.lock_times.clear()
        samples = alternate([bare, floor, domain, service], completions, rounds)
    finally:
        floor.close()
        domain.close()
    stats = {name: ms(times) for name, times in samples.items()}
    floor_m, floor_p = stats["floor"]
    domain_m = stats["floor+domain"][0]
    service_m, service_p = stats["service"]
    lock = {"floor": statistics.median(floor.lock_times) * 1000,
            "floor+domain": statistics.median(domain.lock_times) * 1000,
            "service": statistics.median([t for t in bench.lock_times if t is not None]) * 1000}
    echo(f"  one completion, {rounds} alternating rounds, {len(samples['service'])} completions each "
         f"(floor: the service's own step data, driver without SQLAlchemy, one transaction; floor+domain: also "
         f"the case read, form validation, version claim, completed-task row, shared chain head):")
    echo(f"  {'':12s} {'median ms':>9s} {'p95 ms':>7s} {'x floor':>8s} {'lock held ms (median)':>22s}")
    for name in ("bare", "floor", "floor+domain", "service"):
        median, p95 = stats[name]
        held = f"{lock[name]:22.2f}" if name in lock else f"{'-':>22s}"
        echo(f"  {name:12s} {median:9.2f} {p95:7.2f} {median / floor_m:7.2f}x {held}")
    rate = floor_m / service_m
    echo(f"  service runs at {rate:.2f}x the floor's rate (median; target >= 0.8x), p95 {floor_p / service_p:.2f}x; "
         f"lock held {lock['service']:.2f} ms vs floor {lock['floor']:.2f} ms (target <= 1 ms)")
    echo(f"  floor+domain runs at {floor_m / domain_m:.2f}x the floor's rate: the most any completion keeping the "
         f"domain's guarantees can reach; service at {domain_m / service_m:.2f}x floor+domain")
    return {"floor_ms": floor_m, "service_ms": service_m, "bare_ms": stats["bare"][0], "rate_vs_floor": rate,
            "domain_floor_ms": domain_m, "rate_vs_domain_floor": domain_m / service_m, "lock_ms": lock}
