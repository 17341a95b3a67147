"""HTTP under load: Integraflow under gunicorn, simulated caseworkers from this (separate) process.

    python3 benchmarks/http_load.py                       # PostgreSQL database "loadtest", 2 and 4 workers
    python3 benchmarks/http_load.py --workers 2 --clients 8 --rounds 10

Each simulated caseworker logs in once, then per round: opens the worklist, takes in a new client (intake form),
opens the case page, completes the consent and the assessment task through their forms, and opens the worklist
again — every request a real browser would send (CSRF tokens included). Printed per setting: requests/s,
p50/p95 latency (per kind of request also as timed inside the worker, from gunicorn's access log: the rest is
waiting for a free worker), errors, completions expected vs. task_completed events found (lost completions), and
the resident memory of the web workers afterwards. Numbers are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.bench import ASSESSMENT, CONSENT, INTAKE  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import Event, User, UserMunicipality  # noqa: E402
from engine.demo import (  # noqa: E402
    DEMO_PASSWORD,
    has_demo_data,
    load_demo_at_scale,  # noqa: E402
)
from engine.setup import prepare_database  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="case_version" value="(\d+)"')
TASK_LINK = re.compile(r'href="(/cases/[^"/]+/tasks/[^"]+)"')


def _ensure_database(url: str, cases: int) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}).first():
                conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    container = bootstrap(Settings(database_url=url))
    prepare_database(container)
    if not has_demo_data(container):
        print(f"Lade {cases} Demofälle …", flush=True)
        load_demo_at_scale(container, cases)
    container.engine.dispose()


def _caseworkers(url: str) -> list[tuple[str, int]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(User.username, func.min(UserMunicipality.municipality_id))
                            .join(UserMunicipality, UserMunicipality.user_id == User.id)
                            .where(User.role == "caseworker").group_by(User.username).order_by(User.username)).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def _completions(url: str, since) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(select(func.count()).select_from(Event)
                             .where(Event.kind == "task_completed", Event.at >= since)).scalar_one()
    engine.dispose()
    return found


class _Caseworker(threading.Thread):
    """One simulated caseworker working through rounds of intake, consent and assessment."""

    def __init__(self, base: str, username: str, municipality_id: int, rounds: int, client=None):
        super().__init__(daemon=True)
        # Anything with httpx's request/get/post (benchmarks/request_mix.py passes Flask's test client).
        self.client = client or httpx.Client(base_url=base, timeout=60)
        self.username, self.municipality_id, self.rounds = username, municipality_id, rounds
        self.latencies: list[float] = []
        self.kinds: list[tuple[str, float]] = []  # (request kind, seconds): which requests make the tail
        self.errors: list[str] = []
        self.completions = 0

    def _send(self, method: str, path: str, data: dict | None = None, expect=(200, 302)) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = self.client.request(method, path, data=data)
        except httpx.HTTPError as exc:
            self.errors.append(f"{method} {path}: {type(exc).__name__}")
            return None
        self.latencies.append(time.perf_counter() - start)
        self.kinds.append((_kind(method, path), self.latencies[-1]))
        if response.status_code not in expect:
            self.errors.append(f"{method} {path}: HTTP {response.status_code}")
            return None
        return response

    def _submit(self, path: str, data: dict) -> httpx.Response | None:
        page = self._send("GET", path)
        if page is None:
            return None
        fields = {"csrf_token": CSRF.search(page.text).group(1)}
        version = VERSION.search(page.text)
        if version:
            fields["case_version"] = version.group(1)
        return self._send("POST", path, {**fields, **data}, expect=(302,))

    def login(self) -> bool:
        """Sign in once (password hashing is deliberately slow; it is not part of the measured rounds)."""
        page = self.client.get("/login")
        response = self.client.post("/login", data={"csrf_token": CSRF.search(page.text).group(1),
                                                    "username": self.username, "password": DEMO_PASSWORD})
        return response.status_code == 302

    def run(self) -> None:
        for _ in range(self.rounds):
            self.round()

    def round(self) -> None:
        """Worklist, intake, case page + consent, case page + assessment, worklist."""
        self._send("GET", "/")
        created = self._submit("/cases/new", {**INTAKE, "municipality_id": str(self.municipality_id),
                                              "last_name": f"Last-{self.username}"})
        if created is None:
            return
        self.completions += 1  # the intake is the first completed task
        case_path = created.headers["location"]
        for data in (CONSENT, ASSESSMENT):
            page = self._send("GET", case_path)
            link = TASK_LINK.search(page.text) if page is not None else None
            if link is None:
                self.errors.append(f"GET {case_path}: keine offene Aufgabe")
                break
            if self._submit(link.group(1), data) is None:
                break
            self.completions += 1
        self._send("GET", "/")


_IDS = re.compile(r"/[0-9a-f]{8}-[0-9a-f-]{27}")


def _kind(method: str, path: str) -> str:
    """A request's kind for the breakdown: method and path with case and task ids replaced."""
    return f"{method} {_IDS.sub('/…', path)}"


def _start_gunicorn(url: str, workers: int, port: int, access_log: Path) -> subprocess.Popen:
    env = dict(os.environ, INTEGRAFLOW_DATABASE_URL=url, INTEGRAFLOW_SECRET_KEY="load-test-secret",
               INTEGRAFLOW_SCHEDULER_IN_PROCESS="0", PYTHONPATH=str(ROOT))
    # gunicorn's access log gives each request's time inside the worker (%(D)s, µs): the rest of what the client
    # measured is waiting for a free worker.
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--log-level", "warning", "--access-logfile", str(access_log),
                                "--access-logformat", "%(m)s %(U)s %(D)s", "web.wsgi:app"], cwd=ROOT, env=env,
                               start_new_session=True)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn ist nicht gestartet")


def _worker_rss_mb(master: int) -> list[float]:
    sizes = []
    for pid in Path("/proc").iterdir():
        try:
            status = (pid / "status").read_text()
        except (OSError, ValueError):
            continue
        if re.search(rf"^PPid:\s+{master}$", status, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            sizes.append(int(rss.group(1)) / 1024 if rss else 0.0)
    return sizes


def run(url: str, workers: int, clients: int, rounds: int, port: int, users: list) -> dict:
    """One setting: gunicorn with `workers`, `clients` simulated caseworkers, `rounds` rounds each."""
    access_log = Path(tempfile.mkdtemp(prefix="http-load-")) / "access.log"
    server = _start_gunicorn(url, workers, port, access_log)
    try:
        crew = [_Caseworker(f"http://127.0.0.1:{port}", *users[i % len(users)], rounds) for i in range(clients)]
        if not all(c.login() for c in crew):
            raise SystemExit("Anmeldung fehlgeschlagen")
        with create_engine(url).connect() as conn:
            # SQLite's datetime('now') comes back as text; its clock is this machine's anyway.
            since = conn.execute(select(func.now())).scalar_one() if conn.dialect.name == "postgresql" \
                else datetime.now(UTC)
        logged_before = access_log.stat().st_size if access_log.exists() else 0  # the sign-ins are not measured
        start, cpu = time.perf_counter(), time.process_time()
        for c in crew:
            c.start()
        for c in crew:
            c.join()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        rss = _worker_rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = sorted(x for c in crew for x in c.latencies)
    expected = sum(c.completions for c in crew)
    found = _completions(url, since)
    return {"workers": workers, "clients": clients, "requests": len(latencies), "rps": len(latencies) / seconds,
            "p50_ms": statistics.median(latencies) * 1000,
            "p95_ms": statistics.quantiles(latencies, n=20)[18] * 1000,
            "errors": sum(len(c.errors) for c in crew), "error_samples": [e for c in crew for e in c.errors][:3],
            "completions": expected, "events": found, "rss_mb": max(rss) if rss else 0.0,
            # The load generator runs on the same cores as the server: its share of all cores' time.
            "client_cpu": cpu / (seconds * (os.cpu_count() or 1)),
            "kinds": _by_kind([k for c in crew for k in c.kinds]),
            "in_worker": {kind: (p50, p95) for kind, _n, p50, p95 in _by_kind(_worker_times(access_log,
                                                                                           logged_before))}}


def _worker_times(access_log: Path, offset: int) -> list[tuple[str, float]]:
    """(kind, seconds) of each request as gunicorn's access log timed it inside the worker, from `offset` on."""
    with access_log.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode("utf-8", "replace").splitlines()
    samples = []
    for line in lines:
        method, path, micros = (line.split() + ["", "", ""])[:3]
        if micros.isdigit():
            samples.append((_kind(method, path), int(micros) / 1_000_000))
    return samples


def _by_kind(samples: list[tuple[str, float]]) -> list[tuple[str, int, float, float]]:
    """(kind, count, p50 ms, p95 ms) per request kind, slowest p95 first."""
    grouped: dict[str, list[float]] = {}
    for kind, seconds in samples:
        grouped.setdefault(kind, []).append(seconds * 1000)
    rows = [(kind, len(v), statistics.median(v), statistics.quantiles(v, n=20)[18] if len(v) > 1 else v[0])
            for kind, v in grouped.items()]
    return sorted(rows, key=lambda r: -r[3])


def main() -> None:
    """Parse arguments, prepare the database, run every setting, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/loadtest")
    parser.add_argument("--cases", type=int, default=2000, help="Demofälle, falls die Datenbank leer ist")
    parser.add_argument("--workers", default="2,4")
    parser.add_argument("--clients", default="8,16,32")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    _ensure_database(args.database_url, args.cases)
    users = _caseworkers(args.database_url)
    rows = [run(args.database_url, w, c, args.rounds, args.port, users)
            for w in (int(x) for x in args.workers.split(",")) for c in (int(x) for x in args.clients.split(","))]
    backend = make_url(args.database_url).get_backend_name()
    print(f"\nHTTP-Last gegen {backend}, {args.rounds} Runden je Sachbearbeitung")
    print(f"{'Worker':>6} {'Clients':>7} {'Anfr.':>6} {'Anfr./s':>8} {'p50 ms':>7} {'p95 ms':>7} {'Fehler':>6} "
          f"{'Erledigt':>8} {'Ereign.':>7} {'RSS MB':>7} {'Last-CPU':>8}")
    for r in rows:
        print(f"{r['workers']:>6} {r['clients']:>7} {r['requests']:>6} {r['rps']:>8.1f} {r['p50_ms']:>7.1f} "
              f"{r['p95_ms']:>7.1f} {r['errors']:>6} {r['completions']:>8} {r['events']:>7} {r['rss_mb']:>7.0f} "
              f"{r['client_cpu']:>7.0%}")
        for sample in r["error_samples"]:
            print(f"         z. B. {sample}")
        for kind, count, p50, p95 in r["kinds"]:
            worker = r["in_worker"].get(kind)
            inside = f"   im Worker p50 {worker[0]:6.1f} ms  p95 {worker[1]:6.1f} ms" if worker else ""
            print(f"         {kind:46} {count:5} × p50 {p50:6.1f} ms  p95 {p95:6.1f} ms{inside}")


if __name__ == "__main__":
    main()
