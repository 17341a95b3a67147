"""`integraflow bench --compliance`: time the rule check (every rule, all cases) on whatever the database holds."""
from __future__ import annotations

import time
from datetime import date

from sqlalchemy import func, select

from engine.base import load_deadlines
from engine.compliance import CHECKS, CheckContext, active_rules, evaluate, tune_session
from engine.db import Case, CompletedTask, Contact, Event, Goal


def run_compliance_benchmark(container, as_of: date | None = None, rounds: int = 3, explain: bool = False,
                             echo=print) -> float:
    """Print table sizes, per-rule and total times (best of `rounds`); returns the best total in seconds."""
    with container.reader() as r:
        s = r.session
        sizes = {name: s.execute(select(func.count()).select_from(model)).scalar_one()
                 for name, model in (("Fälle", Case), ("Ereignisse", Event), ("erledigte Schritte", CompletedTask),
                                     ("Kontakte", Contact), ("Ziele", Goal))}
        echo("Datenbank: " + ", ".join(f"{v:,} {k}".replace(",", ".") for k, v in sizes.items()))
        active = active_rules(r)
        ctx = CheckContext(as_of or container.clock.today(), active.rules.at_risk_days, load_deadlines(s))
        echo(f"Stichtag {ctx.as_of:%d.%m.%Y}, Regelversion {active.version.version}, {len(active.rules.rules)} Regeln")
        postgres = s.bind.dialect.name == "postgresql"
        tune_session(s)
        for rule in active.rules.rules:
            stmt = CHECKS[rule.kind](rule, ctx)
            best, rows = _best(lambda st=stmt: s.execute(st).all(), rounds)
            line = f"  {rule.id:<36} {best * 1000:8.0f} ms  {len(rows):>7} Befunde"
            if explain and postgres:
                line += f"  (EXPLAIN ANALYZE: {_explain_ms(s, stmt):.0f} ms)"
            echo(line)
        total, findings = _best(lambda: evaluate(s, active.rules, ctx), rounds)
    echo(f"Regelprüfung gesamt: {total:.2f} s für {len(findings):,} Befunde (beste von {rounds} Läufen)"
         .replace(",", "."))
    return total


def _best(work, rounds: int):
    best, result = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def _explain_ms(session, stmt) -> float:
    compiled = stmt.compile(dialect=session.bind.dialect, compile_kwargs={"render_postcompile": True})
    plan = session.connection().exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params)
    return plan.scalar_one()[0]["Execution Time"]
