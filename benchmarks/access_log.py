"""What the access log costs a case page: the page with and without its one-INSERT log write, and the write alone.

    python3 benchmarks/access_log.py                     # a fresh SQLite file with the 40-case demo
    INTEGRAFLOW_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python3 benchmarks/access_log.py

Runs the real app in-process (Flask test client, signed in as the demo team lead), requests the case page of
every demo case in turn, and prints p50/p95 in milliseconds. Numbers are printed, never asserted.
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
from engine.bootstrap import bootstrap  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import Case, User  # noqa: E402
from engine.demo import has_demo_data, load_demo  # noqa: E402
from engine.privacy import log_access  # noqa: E402
from engine.setup import prepare_database  # noqa: E402
from web import create_app  # noqa: E402
from web.access_log import _log_case_access  # noqa: E402
from web.auth import LoginUser  # noqa: E402


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over all demo cases")
    args = parser.parse_args()
    url = os.environ.get("INTEGRAFLOW_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    container = bootstrap(Settings(database_url=url))
    prepare_database(container)
    if not has_demo_data(container):
        load_demo(container)
    os.environ.setdefault("INTEGRAFLOW_SECRET_KEY", "bench")
    app = create_app({"SECRET_KEY": "bench", "SESSION_TIMEOUTS": False}, container=container)
    app.test_client_class = FlaskLoginClient
    with container.reader() as r:
        lead = r.session.execute(select(User).where(User.username == "leitung")).scalar_one()
        cases = list(r.session.execute(select(Case.id).where(Case.organisation_id == lead.organisation_id))
                     .scalars())
    client = app.test_client(user=LoginUser(actor_of(lead)))

    hooks = app.after_request_funcs[None]

    def page(case_id: str, logged: bool) -> float:
        if logged and _log_case_access not in hooks:
            hooks.append(_log_case_access)
        elif not logged and _log_case_access in hooks:
            hooks.remove(_log_case_access)
        started = time.perf_counter()
        assert client.get(f"/cases/{case_id}").status_code == 200
        return time.perf_counter() - started

    for case_id in cases:  # warm caches and templates
        page(case_id, True)
    with_log, without_log = [], []
    for _ in range(args.rounds):  # interleaved, so drift and noise hit both the same
        for case_id in cases:
            with_log.append(page(case_id, True))
            without_log.append(page(case_id, False))
    writes = []
    for case_id in cases * args.rounds:
        started = time.perf_counter()
        log_access(container.uow(), lead.id, case_id, "view", "ok", f"/cases/{case_id}")
        writes.append(time.perf_counter() - started)
    print(f"Datenbank: {container.engine.dialect.name}, {len(cases)} Fälle × {args.rounds} Durchgänge")
    print(f"Fallseite mit Zugriffsprotokoll:  {_ms(with_log)}")
    print(f"Fallseite ohne Zugriffsprotokoll: {_ms(without_log)}")
    print(f"Protokollzeile allein:            {_ms(writes)}")
    print(f"Anteil am Median der Fallseite: "
          f"{statistics.median(writes) / statistics.median(with_log) * 100:.1f} %")


if __name__ == "__main__":
    main()
