"""`integraflow bench --reads`: read paths (worklist, case search, case page, deadline overview) on the
database INTEGRAFLOW_DATABASE_URL points to — meant for 100,000 cases (`integraflow demo --cases 100000`).

Each path runs through the real service with a realistic actor; the table shows p50/p95, and the query plans
of the slowest statements show whether indexes are used.
"""
from __future__ import annotations

import random
import statistics
import time
from contextlib import contextmanager

from sqlalchemy import event, func, select

from engine.access import actor_of
from engine.casework import WorklistFilter, case_view, search_cases, worklist
from engine.db import Case, Event, OpenTask, User
from engine.time import deadline_overview

SEARCH_WORDS = ("müll", "ahmad", "x00012", "kar", "hassan")


def _actors(container) -> dict:
    with container.reader() as r:
        s = r.session
        busiest = s.execute(select(OpenTask.assignee_id).where(OpenTask.assignee_id.is_not(None))
                            .group_by(OpenTask.assignee_id).order_by(func.count().desc()).limit(1)).scalar()
        users = {u.id: u for u in s.execute(select(User)).scalars()}
        supervisor = next(u for u in users.values() if u.role == "supervisor"
                          and u.organisation_id == users[busiest].organisation_id)
        compliance = next(u for u in users.values() if u.role in ("compliance", "admin"))
        return {"caseworker": actor_of(users[busiest]), "supervisor": actor_of(supervisor),
                "compliance": actor_of(compliance)}


def _paths(container, actors: dict, rng: random.Random) -> dict:
    with container.reader() as r:
        org = actors["caseworker"].organisation_id
        case_ids = list(r.session.execute(select(Case.id).where(Case.organisation_id == org)
                                          .order_by(func.random()).limit(200)).scalars())
    cw, sv = actors["caseworker"], actors["supervisor"]
    return {
        "Arbeitsliste (meine)": lambda uow: worklist(uow, cw, WorklistFilter(scope="mine")),
        "Arbeitsliste (Team, überfällig)": lambda uow: worklist(uow, sv, WorklistFilter(scope="team", due="overdue")),
        "Arbeitsliste (alle, Seite 20)": lambda uow: worklist(uow, sv, WorklistFilter(scope="all", page=20)),
        "Fallsuche (Name)": lambda uow: search_cases(uow, cw, rng.choice(SEARCH_WORDS), status="all"),
        "Fallsuche (offen, ohne Text)": lambda uow: search_cases(uow, sv, "", status="open"),
        "Fallseite": lambda uow: case_view(uow, cw, rng.choice(case_ids)),
        "Fristenübersicht": lambda uow: deadline_overview(uow, sv, {}),
    }


def run_read_benchmarks(container, samples: int = 100, echo=print, seed: int = 3) -> dict:
    """Time each read path `samples` times; print p50/p95 and the plans of the slowest statements."""
    rng = random.Random(seed)
    with container.reader() as r:
        cases = r.session.execute(select(func.count()).select_from(Case)).scalar_one()
        events = r.session.execute(select(func.count()).select_from(Event)).scalar_one()
    actors = _actors(container)
    results = {}
    echo(f"Lesepfade auf {container.engine.dialect.name}: {cases} Fälle, {events} Ereignisse, {samples} Messungen")
    echo(f"  {'Pfad':34} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4}")
    for name, run in _paths(container, actors, rng).items():
        with container.reader() as uow:
            run(uow)  # warm caches (models, compiled statements)
        times, statements = [], _Recorder(container.engine)
        for i in range(samples):
            with statements.recording(i == 0), container.reader() as uow:
                start = time.perf_counter()
                run(uow)
                times.append(time.perf_counter() - start)
        p50, p95 = statistics.median(times) * 1000, statistics.quantiles(times, n=20)[18] * 1000
        results[name] = {"p50_ms": p50, "p95_ms": p95, "statements": len(statements.seen)}
        echo(f"  {name:34} {p50:8.1f} {p95:8.1f} {len(statements.seen):4d}")
        results[name]["plan"] = statements.slowest_plan(container)
    echo("Pläne der jeweils langsamsten Abfrage:")
    for name, result in results.items():
        echo(f"  {name}: {result['plan']}")
    return results


class _Recorder:
    """Collects the statements (with parameters) and their durations of one sample run."""

    def __init__(self, engine):
        self.engine, self.seen, self._on = engine, [], False
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    @contextmanager
    def recording(self, on: bool):
        """Record the statements of the block if `on`."""
        self._on = on
        try:
            yield
        finally:
            self._on = False

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self._on:
            conn.info["bench_start"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self._on:
            self.seen.append((time.perf_counter() - conn.info.pop("bench_start"), statement, parameters))

    def slowest_plan(self, container) -> str:
        """The query plan of the slowest recorded statement, on one line."""
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)
        if not self.seen:
            return "-"
        _seconds, statement, parameters = max(self.seen, key=lambda s: s[0])
        explain = "EXPLAIN QUERY PLAN " if self.engine.dialect.name == "sqlite" else "EXPLAIN "
        with self.engine.connect() as conn:
            rows = conn.exec_driver_sql(explain + statement, parameters).all()
        return " | ".join(str(row[-1]).strip() for row in rows)[:600]


__all__ = ["run_read_benchmarks"]
