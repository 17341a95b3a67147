"""Benchmarks behind `integraflow bench`: they print numbers, they never assert (completion, timers, reads, migration,
compliance, report).
"""
from functools import partial

from .completion import ASSESSMENT, CONSENT, INTAKE
from .completion import run_benchmarks as _completion_benchmarks
from .compliance import run_compliance_benchmark
from .decisions import run_decision_benchmark
from .migration import run_migration_benchmark
from .reads import run_read_benchmarks
from .report import run_report_benchmark
from .side_by_side import floor_comparison
from .timers import run_timer_benchmarks

# `integraflow bench`: the completion benchmarks, opened by bare / floor / service side by side.
run_benchmarks = partial(_completion_benchmarks, side_by_side=floor_comparison)

__all__ = [
    "ASSESSMENT", "CONSENT", "INTAKE", "run_benchmarks", "run_compliance_benchmark", "run_decision_benchmark",
    "run_migration_benchmark",
    "run_read_benchmarks", "run_report_benchmark", "run_timer_benchmarks"
]
