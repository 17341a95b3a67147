"""The rule version stamped on every export; the report benchmark prints its timings."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engine.bench import run_report_benchmark
from engine.compliance import save_rules
from engine.config import SHIPPED_BPMN_DIR
from engine.reporting import rule_version


def test_exports_name_the_rules_version_in_force_at_the_as_of_time(container, clock, world):
    shipped = datetime.now(UTC)  # the shipped rules were stored as version 1 during setup
    with container.reader() as r:
        assert rule_version(r.session, shipped) == "Pflichtschritt-Regeln Version 1"
    source = (SHIPPED_BPMN_DIR / "rules" / "mandated_steps.yaml").read_text(encoding="utf-8")
    clock.set(shipped + timedelta(days=30))
    save_rules(container.uow(), source.replace("at_risk_days: 14", "at_risk_days: 10"), "Vorwarnung kürzer",
               world.erik)
    with container.reader() as r:
        assert rule_version(r.session, shipped + timedelta(days=1)) == "Pflichtschritt-Regeln Version 1"
        assert rule_version(r.session, shipped + timedelta(days=31)) == "Pflichtschritt-Regeln Version 2"
        assert rule_version(r.session, datetime(2020, 1, 1, tzinfo=UTC)) == "Pflichtschritt-Regeln Version 1"


def test_report_benchmark_prints_timings_for_each_scenario(container, world):
    lines: list[str] = []
    run_report_benchmark(container, lines.append, year=2025, rounds=1)
    assert "0 Fälle, 0 Ereignisse" in lines[0]
    assert len([line for line in lines if "Median" in line]) == 4
    assert [line.split()[1] for line in lines if line.strip().startswith("Export")] == ["CSV", "XLSX", "PDF"]
