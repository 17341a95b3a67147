"""`integraflow bench --report`: time the state report on whatever the configured database holds (printed only)."""
from __future__ import annotations

import statistics
import time

from sqlalchemy import func, select

from engine.base import Actor
from engine.db import Case, Event
from engine.reporting import export_report, state_report

# The report reads only the role and organisation of its actor: a compliance officer sees every organisation.
BENCH_ACTOR = Actor(id=0, username="bench", display_name="Benchmark", role="compliance", organisation_id=0)


def run_report_benchmark(container, echo, year: int | None = None, rounds: int = 3) -> None:
    """Print the report's run time for a year, a quarter, a past as-of time and one municipality, plus exports."""
    with container.reader() as r:
        cases = r.session.execute(select(func.count()).select_from(Case)).scalar_one()
        events = r.session.execute(select(func.count()).select_from(Event)).scalar_one()
        year = year or r.clock.today().year - 1
    echo(f"Datenbank: {container.engine.url.render_as_string()} – {cases:,} Fälle, {events:,} Ereignisse "
         f"(Ziel: < 5 s je Bericht bei 100.000 Fällen / 1.000.000 Ereignissen)")
    scenarios = [(f"Jahr {year}, Stand jetzt", {"year": year}),
                 (f"3. Quartal {year}, Stand jetzt", {"year": year, "quarter": 3}),
                 (f"Jahr {year}, Stand 31.12.{year} (Zielstatus aus dem Verlauf)",
                  {"year": year, "as_of": f"{year}-12-31"}),
                 (f"Jahr {year}, eine Kommune", {"year": year, "municipality": _first_municipality(container)})]
    first = None
    for label, args in scenarios:
        times, report = [], None
        for _ in range(rounds):
            start = time.perf_counter()
            with container.reader() as r:
                report = state_report(r, BENCH_ACTOR, {k: str(v) for k, v in args.items() if v is not None})
            times.append(time.perf_counter() - start)
        first = first or report
        echo(f"  {label:<58} Median {statistics.median(times):6.2f} s  (min {min(times):.2f} s, {rounds} Läufe)"
             f"  – {report.total.persons_served:,} betreute Personen, {report.total.sessions:,} Kontakte")
    for fmt in ("csv", "xlsx", "pdf"):
        start = time.perf_counter()
        size = len(export_report(first, fmt).content)
        echo(f"  Export {fmt.upper():<51} {time.perf_counter() - start:6.2f} s  ({size:,} Bytes)")


def _first_municipality(container) -> int | None:
    from engine.db import Municipality

    with container.reader() as r:
        return r.session.execute(select(func.min(Municipality.id))).scalar()
