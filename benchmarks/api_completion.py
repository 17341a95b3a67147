"""Completing a task through the REST API next to the web form: throughput and p50/p95 of the same completion.

    python3 benchmarks/api_completion.py [--cases N]     # a fresh SQLite file with the demo data
    INTEGRAFLOW_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python3 benchmarks/api_completion.py

Runs the real app in-process (Flask test client): opens N new cases as the demo caseworker, then completes each
case's consent task, alternating between the form post (session, HTML redirect) and the API call (bearer token,
JSON), so drift and noise hit both the same. Numbers are printed, never asserted.
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
from werkzeug.datastructures import MultiDict  # noqa: E402

from engine.access import actor_of, create_token  # noqa: E402
from engine.bootstrap import bootstrap  # noqa: E402
from engine.casework import open_case  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import Case, OpenTask, User, UserMunicipality  # noqa: E402
from engine.demo import has_demo_data, load_demo  # noqa: E402
from engine.setup import prepare_database  # noqa: E402
from web import create_app  # noqa: E402
from web.auth import LoginUser  # noqa: E402

CONSENT = {"consent_given": "yes", "consent_date": "2026-01-15", "consent_scope": "basic", "consent_document": "on"}


def _intake(municipality_id: int, i: int) -> MultiDict:
    return MultiDict({"first_name": "Amina", "last_name": f"Bench{i}", "birth_date": "1990-03-04",
                      "gender": "female", "nationality": "syrisch", "languages": "Arabisch",
                      "municipality_id": str(municipality_id), "accommodation_address": "Hauptstraße 1",
                      "residence_status": "recognised_refugee", "residence_status_evidence": "eAT",
                      "au_since": "2025-10-01", "counselling_start": "2025-12-01"})


def _stats(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"{len(ordered) / sum(ordered):6.1f} completions/s   p50 {statistics.median(ordered) * 1000:6.1f} ms"
            f"   p95 {p95 * 1000:6.1f} ms")


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60, help="new cases, half completed each way")
    args = parser.parse_args()
    url = os.environ.get("INTEGRAFLOW_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    container = bootstrap(Settings(database_url=url))
    prepare_database(container)
    if not has_demo_data(container):
        load_demo(container)
    os.environ.setdefault("INTEGRAFLOW_SECRET_KEY", "bench")
    app = create_app({"SECRET_KEY": "bench", "SESSION_TIMEOUTS": False, "WTF_CSRF_ENABLED": False,
                      "API_RATE_LIMIT": (10**9, 60.0)}, container=container)
    app.test_client_class = FlaskLoginClient
    with container.reader() as r:
        user = r.session.execute(select(User).where(User.username == "mueller")).scalar_one()
        town = r.session.execute(select(UserMunicipality.municipality_id)
                                 .where(UserMunicipality.user_id == user.id)).scalars().first()
    me = actor_of(user)
    token = create_token(container.uow(), "mueller", "Benchmark", ("read", "work"), 1).token
    web, api = app.test_client(user=LoginUser(me)), app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    todo = []
    for i in range(args.cases):
        case_id = open_case(container.uow(), _intake(town, i), me)
        with container.reader() as r:
            task = r.session.execute(select(OpenTask.id).where(OpenTask.case_id == case_id)).scalar_one()
            todo.append((case_id, task, r.session.get(Case, case_id).version))
    by_form, by_api = [], []
    for i, (case_id, task, version) in enumerate(todo):
        started = time.perf_counter()
        if i % 2 == 0:
            response = web.post(f"/cases/{case_id}/tasks/{task}", data={**CONSENT, "case_version": version})
            assert response.status_code == 302, response.status_code
            by_form.append(time.perf_counter() - started)
        else:
            response = api.post(f"/api/v1/cases/{case_id}/tasks/{task}/complete", headers=headers,
                                json={"case_version": version, "data": CONSENT})
            assert response.status_code == 200, response.get_json()
            by_api.append(time.perf_counter() - started)
    print(f"Datenbank: {container.engine.url.render_as_string()}  ({args.cases} Einwilligungen, abwechselnd)")
    print(f"Webformular  {_stats(by_form)}")
    print(f"REST-API     {_stats(by_api)}")


if __name__ == "__main__":
    main()
