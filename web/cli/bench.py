"""`integraflow bench`: the benchmarks, printed (never asserted)."""
from __future__ import annotations

import click

from .database import has_data, open_container


@click.command(help="Misst Durchsatz und Verlaufsunabhängigkeit der Aufgabenerledigung.")
@click.option("--rounds", default=200, show_default=True, type=click.IntRange(10, 100_000))
@click.option("--timers", is_flag=True, help="Stattdessen den Fristenlauf messen (10.000 fällige, 100.000 wartende).")
@click.option("--due", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--idle", default=100_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--reads", is_flag=True, help="Stattdessen die Lesepfade auf der konfigurierten Datenbank messen "
              "(z. B. nach 'integraflow demo --cases 100000').")
@click.option("--samples", default=100, show_default=True, type=click.IntRange(5, 10_000))
@click.option("--compliance", is_flag=True, help="Stattdessen die Pflichtschritt-Prüfung auf der Datenbank messen.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Stichtag (JJJJ-MM-TT).")
@click.option("--explain", is_flag=True, help="Mit --compliance: Ausführungszeit laut EXPLAIN ANALYZE (PostgreSQL).")
@click.option("--report", is_flag=True, help="Stattdessen den Landesbericht auf der konfigurierten Datenbank messen.")
@click.option("--year", default=None, type=click.IntRange(2015, 2100), help="Berichtsjahr (Standard: Vorjahr).")
@click.option("--database-url", default=None, help="Durchsatz auf dieser (eigenen, leeren) Datenbank messen statt "
              "auf einer temporären SQLite-Datei, z. B. postgresql+psycopg://postgres@127.0.0.1/benchengine.")
@click.option("--migration", is_flag=True, help="Stattdessen Migrationsvorschau und Migration laufender Fälle messen.")
@click.option("--cases", default=1000, show_default=True, type=click.IntRange(4, 1_000_000),
              help="Mit --migration: Zahl der laufenden Fälle.")
@click.option("--decisions", is_flag=True, help="Stattdessen die Auswertung der ausgelieferten Entscheidungstabellen "
                                                  "messen (Ziel ≤ 1 ms je Auswertung).")
def bench(rounds: int, timers: bool, due: int, idle: int, reads: bool, samples: int, compliance: bool, as_of,
          explain: bool, report: bool, year: int | None, database_url: str | None, migration: bool,
          cases: int, decisions: bool) -> None:
    """Print benchmark numbers."""
    if decisions:
        from engine.bench import run_decision_benchmark

        run_decision_benchmark(rounds=rounds, echo=click.echo)
        return
    if migration:
        from engine.bench import run_migration_benchmark

        run_migration_benchmark(cases=cases, echo=click.echo)
        return
    if report:
        from engine.bench import run_report_benchmark

        run_report_benchmark(open_container(), echo=click.echo, year=year, rounds=min(rounds, 5))
        return
    if compliance:
        from engine.bench import run_compliance_benchmark

        run_compliance_benchmark(open_container(), as_of=as_of.date() if as_of else None, explain=explain,
                                 echo=click.echo)
        return
    if reads:
        from engine.bench import run_read_benchmarks

        container = open_container()
        if not has_data(container):
            raise click.ClickException("Die Datenbank enthält keine Fälle; zuerst 'integraflow demo --cases N'.")
        run_read_benchmarks(container, samples=samples, echo=click.echo)
        return
    if timers:
        from engine.bench import run_timer_benchmarks

        run_timer_benchmarks(due=due, idle=idle, echo=click.echo)
        return
    from engine.bench import run_benchmarks

    run_benchmarks(rounds=rounds, echo=click.echo, database_url=database_url)
