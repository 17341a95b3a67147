"""Running the rule checks: one statement per rule over all cases in scope, as of a date."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from .checks import CHECKS, VIOLATION
from .context import CheckContext
from .rules import RuleSet

# Rules checked at once on PostgreSQL (each holds one pooled connection while it runs).
PARALLEL_CHECKS = 4


@dataclass(frozen=True)
class Finding:
    """A case that violates a rule (or will within the at-risk horizon)."""

    rule_id: str
    case_id: str
    state: str              # violation | at_risk
    since: date | None      # first day of the violation (at risk: the first day it would be violated)
    resolved_on: date | None  # a late step done after all; None while the violation lasts

    @property
    def is_violation(self) -> bool:
        """A violation rather than a risk."""
        return self.state == VIOLATION


def evaluate(session, rule_set: RuleSet, ctx: CheckContext) -> list[Finding]:
    """All findings of all rules, ordered by rule (file order), then since, then case.

    On PostgreSQL the rules run side by side on their own pooled connections: each is one large scan, and
    the server has cores to spare (every source is filtered by the as-of cutoff, so the connections agree).
    """
    engine = session.get_bind()
    if engine.dialect.name == "postgresql" and len(rule_set.rules) > 1:
        with ThreadPoolExecutor(max_workers=min(PARALLEL_CHECKS, len(rule_set.rules))) as pool:
            batches = list(pool.map(lambda rule: _check_alone(engine, rule, ctx), rule_set.rules))
    else:
        tune_session(session)
        batches = [_check(session, rule, ctx) for rule in rule_set.rules]
    findings = [finding for batch in batches for finding in batch]
    order = {r.id: i for i, r in enumerate(rule_set.rules)}
    findings.sort(key=lambda f: (order[f.rule_id], f.since or date.min, f.case_id))
    return findings


def _check(session, rule, ctx: CheckContext) -> list[Finding]:
    return [Finding(rule.id, case_id, state, _date(since), _date(resolved))
            for case_id, state, since, resolved in session.execute(CHECKS[rule.kind](rule, ctx))]


def _check_alone(engine, rule, ctx: CheckContext) -> list[Finding]:
    with Session(engine) as session, session.begin():
        tune_session(session)
        return _check(session, rule, ctx)


def tune_session(session) -> None:
    """PostgreSQL: the checks are a few large scans; JIT compilation costs more than it saves, sorts need memory."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))


def _date(value) -> date | None:
    # SQLite hands computed dates back as text; PostgreSQL as dates.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
