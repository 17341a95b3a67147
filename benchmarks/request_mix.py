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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from benchmarks.http_load import CSRF, TASK_LINK, VERSION, _caseworkers, _ensure_database, _kind  # noqa: E402
from engine.bench import ASSESSMENT, CONSENT, INTAKE  # noqa: E402
from engine.demo import DEMO_PASSWORD  # noqa: E402


class _Caseworker:
    """One signed-in caseworker sending the load test's rounds through the test client."""

    def __init__(self, app, username: str, municipality_id: int):
        self.client, self.municipality_id = app.test_client(), municipality_id
        self.times: dict[str, list[float]] = {}
        page = self.client.get("/login")
        response = self.client.post("/login", data={"csrf_token": CSRF.search(page.text).group(1),
                                                    "username": username, "password": DEMO_PASSWORD})
        if response.status_code != 302:
            raise SystemExit("Anmeldung fehlgeschlagen")
        self.current = ""

    def _send(self, method: str, path: str, data: dict | None = None):
        self.current = _kind(method, path)
        start = time.perf_counter()
        response = self.client.open(path, method=method, data=data)
        self.times.setdefault(self.current, []).append(time.perf_counter() - start)
        if response.status_code not in (200, 302):
            raise SystemExit(f"{method} {path}: HTTP {response.status_code}")
        return response

    def _submit(self, path: str, data: dict):
        page = self._send("GET", path)
        fields = {"csrf_token": CSRF.search(page.text).group(1)}
        version = VERSION.search(page.text)
        if version:
            fields["case_version"] = version.group(1)
        return self._send("POST", path, {**fields, **data})

    def round(self) -> None:
        """Worklist, intake, case page + consent, case page + assessment, worklist."""
        self._send("GET", "/")
        created = self._submit("/cases/new", {**INTAKE, "municipality_id": str(self.municipality_id),
                                              "last_name": "Messrunde"})
        case_path = created.headers["location"]
        for data in (CONSENT, ASSESSMENT):
            page = self._send("GET", case_path)
            self._submit(TASK_LINK.search(page.text).group(1), data)
        self._send("GET", "/")


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
    worker = _Caseworker(app, *_caseworkers(args.database_url)[0])
    for _ in range(5):
        worker.round()
    worker.times.clear()
    for _ in range(args.rounds):
        worker.round()
    times = worker.times
    counts: dict[str, int] = {}

    def count(*_args) -> None:
        counts[worker.current] = counts.get(worker.current, 0) + 1

    engine = app.extensions["integraflow"].engine
    event.listen(engine, "before_cursor_execute", count)
    counted = 5
    requests_before = {kind: len(v) for kind, v in times.items()}
    for _ in range(counted):
        worker.round()
    event.remove(engine, "before_cursor_execute", count)
    backend = engine.dialect.name
    print(f"\nAnfragemix ohne Last gegen {backend}: {args.rounds} Runden, eine Anfrage nach der anderen")
    print(f"{'Anfrage':32} {'Anzahl':>6} {'p50 ms':>8} {'SQL/Anfr.':>10}")
    for kind, values in sorted(times.items(), key=lambda kv: -statistics.median(kv[1][:requests_before[kv[0]]])):
        timed = values[:requests_before[kind]]
        per_request = counts.get(kind, 0) / (len(values) - len(timed))
        print(f"{kind:32} {len(timed):>6} {statistics.median(timed) * 1000:>8.2f} {per_request:>10.1f}")
    total = sum(sum(v[:requests_before[k]]) for k, v in times.items()) / args.rounds
    print(f"eine Runde: {total * 1000:.1f} ms")


if __name__ == "__main__":
    main()
