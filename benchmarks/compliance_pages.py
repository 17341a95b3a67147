"""The compliance page (HTML and its three charts) and the state report (page and PDF) as a team lead and the
compliance officer load them, first request and warm.

    python3 benchmarks/compliance_pages.py                    # a fresh SQLite file with the 40-case demo
    INTEGRAFLOW_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python3 benchmarks/compliance_pages.py

Runs the real app in-process (Flask test client, signed in), so the numbers are server time without the network.
"Seite komplett" is the page plus its three chart images, requested one after another (a browser fetches them in
parallel, so it sees less). The first request of a fresh process pays for imports and font loading (`integraflow
serve` warms both at start); it is printed separately. "warm" repeats the request on unchanged data (results kept
per data state, engine/base/memo.py); "neu" empties that memory before each request, as after any change to the
data. Numbers are printed, never asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_login import FlaskLoginClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from engine.access import actor_of  # noqa: E402
from engine.base import forget_all  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import User  # noqa: E402
from engine.demo import has_demo_data, load_demo  # noqa: E402
from engine.setup import prepare_database  # noqa: E402
from web import create_app  # noqa: E402
from web.auth import LoginUser  # noqa: E402

CHARTS = ("verstoesse", "ziele", "abschluesse")


def _get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed


def _page_with_charts(client) -> float:
    return _get(client, "/compliance/") + sum(_get(client, f"/compliance/diagramm/{name}.svg") for name in CHARTS)


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:6.0f} ms p95 {p95 * 1000:6.0f} ms"


def _fresh(work) -> float:
    forget_all()
    return work()


def _line(label: str, first: float, warm: list[float], fresh: list[float]) -> str:
    return f"  {label:<28} erster Aufruf {first * 1000:6.0f} ms   warm: {_stats(warm)}   neu: {_stats(fresh)}"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="warm requests per measurement")
    args = parser.parse_args()
    url = os.environ.get("INTEGRAFLOW_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    container = bootstrap(Settings(database_url=url))
    prepare_database(container)
    if not has_demo_data(container):
        load_demo(container)
    os.environ.setdefault("INTEGRAFLOW_SECRET_KEY", "bench")
    app = create_app({"SECRET_KEY": "bench", "SESSION_TIMEOUTS": False}, container=container)
    app.test_client_class = FlaskLoginClient
    print(f"Datenbank: {container.engine.url.render_as_string()}")
    for username in ("leitung", "controlling"):
        with container.reader() as r:
            user = r.session.execute(select(User).where(User.username == username)).scalar_one()
        client = app.test_client(user=LoginUser(actor_of(user)))
        print(f"{user.display_name} ({username}):")
        measurements = [
            ("Compliance-Seite (HTML)", lambda c=client: _get(c, "/compliance/")),
            ("Compliance-Seite komplett", lambda c=client: _page_with_charts(c)),
            ("Landesbericht-Seite", lambda c=client: _get(c, "/berichte")),
            ("Landesbericht als PDF", lambda c=client: _get(c, "/berichte/export.pdf")),
        ]
        for label, work in measurements:
            first = work()
            warm = [work() for _ in range(args.rounds)]
            fresh = [_fresh(work) for _ in range(args.rounds)]
            print(_line(label, first, warm, fresh))


if __name__ == "__main__":
    main()
