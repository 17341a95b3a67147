"""`integraflow bench`'s side-by-side table runs on the shipped journey: bare, floor, floor+domain and service each
complete it."""
from __future__ import annotations

import pytest

from engine.bench.completion import _Bench
from engine.bench.domain_floor import DomainFloor
from engine.bench.side_by_side import PLAN, Service, _posts, floor_comparison
from engine.errors import Conflict


def test_bare_floor_and_service_complete_the_shipped_journey(tmp_path):
    lines: list[str] = []
    result = floor_comparison(_Bench(tmp_path), completions=10, rounds=1, echo=lines.append)
    assert [line.split()[0] for line in lines[2:6]] == ["bare", "floor", "floor+domain", "service"]
    assert all(result[key] > 0 for key in ("floor_ms", "service_ms", "bare_ms", "rate_vs_floor", "domain_floor_ms",
                                           "rate_vs_domain_floor"))
    assert result["lock_ms"]["service"] > 0 and result["lock_ms"]["floor"] > 0
    assert result["lock_ms"]["floor+domain"] > 0
    assert "target >= 0.8x" in lines[-2] and "floor+domain" in lines[-1]


def test_the_domain_floor_writes_the_domain_rows_and_checks_the_version(tmp_path):
    bench = _Bench(tmp_path)
    goals = sum(1 for key in PLAN if key.endswith("-title"))
    with bench.container.reader() as reader:
        forms = reader.forms
    domain = DomainFloor(bench.container.engine, *Service(bench).recorded_journey(), _posts(goals), forms.get,
                         bench.container.clock.today())
    try:
        times: list[float] = []
        domain.journey(times)
        cur = domain.conn.cursor()
        completed = cur.execute("SELECT count(*) FROM floor_domain_completed_task").fetchone()[0]
        _, version = cur.execute("SELECT id, version FROM floor_domain_client_case").fetchone()
        head = cur.execute("SELECT seq, hash FROM floor_domain_event_chain_head").fetchone()
        assert completed == len(times) == len(domain.steps) and version == 1 + len(times)
        assert head == (domain.seq, domain.head)  # moved with every event, as the shared head must be
        case_id2, version2, ready = domain.open()
        with pytest.raises(Conflict):
            domain._before(case_id2, version2 + 1, ready[0])  # a stale form: the version check refuses it
    finally:
        domain.close()
