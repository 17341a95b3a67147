"""`integraflow bench --decisions`: cost of one evaluation of each shipped decision table (target ≤ 1 ms)."""
from __future__ import annotations

import statistics
import time

from engine.config import SHIPPED_BPMN_DIR
from engine.workflow import evaluate_decision, parse_decision

# Inputs that reach different rules of the shipped tables (first match late in the table costs most).
SAMPLES = {
    "eligibility.dmn": [
        {"residence_status": "toleration", "au_since": "2025-10-01", "counselling_start": None},
        {"residence_status": "recognised_refugee", "au_since": None, "counselling_start": "2025-12-01"},
        {"residence_status": "temporary_protection_ukraine", "au_since": "2025-10-01", "counselling_start": None},
        {"residence_status": "recognised_refugee", "au_since": "2025-10-01", "counselling_start": "2025-12-01"},
    ],
    "review_interval.dmn": [
        {"review_phase": "first", "residence_status": "temporary_protection_ukraine"},
        {"review_phase": "first", "residence_status": "recognised_refugee"},
        {"review_phase": "follow_up", "residence_status": "toleration"},
    ],
}
COMMON = {"intake_date": "2026-01-15", "deadlines": {"counselling_max": "P3Y"}}


def run_decision_benchmark(rounds: int, echo=print) -> dict[str, float]:
    """Median and 95th percentile of one evaluation per shipped table, in milliseconds; returns the medians."""
    medians = {}
    for name, samples in SAMPLES.items():
        engine = parse_decision((SHIPPED_BPMN_DIR / name).read_text(encoding="utf-8"), 1)
        times = []
        for _ in range(rounds):
            for sample in samples:
                start = time.perf_counter()
                evaluate_decision(engine, {**COMMON, **sample})
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        medians[engine.key] = statistics.median(times)
        p95 = times[int(len(times) * 0.95) - 1]
        rules = len(engine.decision_table.rules)
        echo(f"Entscheidung {engine.name} ({rules} Regeln, {len(times)} Auswertungen): Median "
             f"{medians[engine.key]:.3f} ms, 95 % {p95:.3f} ms (Ziel ≤ 1 ms)")
    return medians
