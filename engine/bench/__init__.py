"""Benchmarks behind `integraflow bench`: they print numbers, they never assert (completion, timers, reads, migration,
compliance, report).
"""
from .completion import ASSESSMENT, CONSENT, INTAKE, run_benchmarks
from .compliance import run_compliance_benchmark
from .decisions import run_decision_benchmark
from .migration import run_migration_benchmark
from .reads import run_read_benchmarks
from .report import run_report_benchmark
from .timers import run_timer_benchmarks

__all__ = [
    "ASSESSMENT", "CONSENT", "INTAKE", "run_benchmarks", "run_compliance_benchmark", "run_decision_benchmark",
    "run_migration_benchmark",
    "run_read_benchmarks", "run_report_benchmark", "run_timer_benchmarks"
]
