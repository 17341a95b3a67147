"""The HTTP load test's request mix, one request at a time in-process: time and SQL statements per request kind.

    python3 benchmarks/request_mix.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/loadtest
    python3 benchmarks/request_mix.py --database-url sqlite:////tmp/loadtest.sqlite --rounds 40

The database is prepared as in benchmarks/http_load.py (demo data if empty). One caseworker signs in through
Flask's test client and works rounds of the same requests a simulated caseworker of http_load sends (worklist,
intake form and POST, case page, consent and assessment through their forms, worklist). Without a server, a
network or other clients, what is printed is the application's own cost per request: the p50 of each kind, the
time per round, and the statements each kind sends (counted in a separate pass, because a statement listener
turns off the completion's PostgreSQL pipeline). Numbers are printed, never asserted.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from benchmarks.http_load import _Caseworker, _caseworkers, _ensure_database, _kind  # noqa: E402


class _TestClient:
    """Flask's test client behind the httpx calls http_load's caseworker makes."""

    def __init__(self, app):
        self._client = app.test_client()

    def request(self, method: str, path: str, data: dict | None = None):
        """As httpx.Client.request."""
        return self._client.open(path, method=method, data=data)

    def get(self, path: str):
        """As httpx.Client.get."""
        return self._client.get(path)

    def post(self, path: str, data: dict):
        """As httpx.Client.post."""
        return self._client.post(path, data=data)


class _Counted(_Caseworker):
    """http_load's caseworker, remembering the kind of request under way (the statement counter reads it)."""

    current = ""

    def _send(self, method: str, path: str, data: dict | None = None, expect=(200, 302)):
        self.current = _kind(method, path)
        return super()._send(method, path, data, expect)


def _by_kind(samples: list[tuple[str, float]]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = {}
    for kind, seconds in samples:
        grouped.setdefault(kind, []).append(seconds)
    return grouped


def main() -> None:
    """Prepare the database, warm up, time the rounds, count statements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/loadtest")
    parser.add_argument("--cases", type=int, default=300, help="Demofälle, falls die Datenbank leer ist")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    _ensure_database(args.database_url, args.cases)
    os.environ.update(INTEGRAFLOW_DATABASE_URL=args.database_url, INTEGRAFLOW_SCHEDULER_IN_PROCESS="0",
                      INTEGRAFLOW_SECRET_KEY=os.environ.get("INTEGRAFLOW_SECRET_KEY", "request-mix-" + "x" * 32))
    from web import create_app

    app = create_app()
    logging.getLogger("integraflow").setLevel(logging.WARNING)  # one log line per request would be measured too
    username, municipality_id = _caseworkers(args.database_url)[0]
    worker = _Counted("", username, municipality_id, rounds=0, client=_TestClient(app))
    if not worker.login():
        raise SystemExit("Anmeldung fehlgeschlagen")
    for _ in range(5):
        worker.round()
    worker.kinds.clear()
    for _ in range(args.rounds):
        worker.round()
    times = _by_kind(worker.kinds)
    counts: dict[str, int] = {}

    def count(*_args) -> None:
        counts[worker.current] = counts.get(worker.current, 0) + 1

    engine = app.extensions["integraflow"].engine
    event.listen(engine, "before_cursor_execute", count)
    worker.kinds.clear()
    for _ in range(5):
        worker.round()
    event.remove(engine, "before_cursor_execute", count)
    counted = _by_kind(worker.kinds)
    if worker.errors:
        raise SystemExit("Fehler: " + "; ".join(worker.errors[:3]))
    print(f"\nAnfragemix ohne Last gegen {engine.dialect.name}: {args.rounds} Runden, eine Anfrage nach der anderen")
    print(f"{'Anfrage':32} {'Anzahl':>6} {'p50 ms':>8} {'SQL/Anfr.':>10}")
    for kind, values in sorted(times.items(), key=lambda kv: -statistics.median(kv[1])):
        per_request = counts.get(kind, 0) / len(counted[kind])
        print(f"{kind:32} {len(values):>6} {statistics.median(values) * 1000:>8.2f} {per_request:>10.1f}")
    print(f"eine Runde: {sum(sum(v) for v in times.values()) / args.rounds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
