"""The rule version stamped on every export; the report benchmark prints its timings."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.reporting import rule_version
from engine.reporting.bench_report import run_report_benchmark


@pytest.mark.parametrize("name, text, expected", [
    ("mandated_steps.yaml", "# Pflichtschritte\nversion: 2026.1\nrules: []\n", "Pflichtschritte 2026.1"),
    ("mandated_steps.json", '{"version": "3", "rules": []}', "Pflichtschritte 3"),
    ("mandated_steps.toml", 'title = "x"\n', "Pflichtschritte sha256:"),
])
def test_mandated_steps_file_wins_over_the_journey_version(container, tmp_path, name, text, expected):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with container.reader() as r:
        assert rule_version(r.session, container.clock.now(), rules_dir=tmp_path).startswith(expected)


def test_without_rules_file_the_journey_version_in_force_is_used(container, tmp_path):
    with container.reader() as r:
        assert rule_version(r.session, datetime.now(UTC), rules_dir=tmp_path / "fehlt") == "client_journey Version 1"


def test_report_benchmark_prints_timings_for_each_scenario(container, world):
    lines: list[str] = []
    run_report_benchmark(container, lines.append, year=2025, rounds=1)
    assert "0 Fälle, 0 Ereignisse" in lines[0]
    assert len([line for line in lines if "Median" in line]) == 4
    assert [line.split()[1] for line in lines if line.strip().startswith("Export")] == ["CSV", "XLSX", "PDF"]
