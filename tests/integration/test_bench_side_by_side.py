"""`integraflow bench`'s side-by-side table runs on the shipped journey: bare, floor and service each complete it."""
from __future__ import annotations

from engine.bench.completion import _Bench
from engine.bench.side_by_side import floor_comparison


def test_bare_floor_and_service_complete_the_shipped_journey(tmp_path):
    lines: list[str] = []
    result = floor_comparison(_Bench(tmp_path), completions=10, rounds=1, echo=lines.append)
    assert [line.split()[0] for line in lines[2:5]] == ["bare", "floor", "service"]
    assert all(result[key] > 0 for key in ("floor_ms", "service_ms", "bare_ms", "rate_vs_floor"))
    assert result["lock_ms"]["service"] > 0 and result["lock_ms"]["floor"] > 0
    assert "target >= 0.8x" in lines[-1]
