"""The compliance dashboard: findings per rule, the list with case, since when and the fix, filters and figures."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from engine.base import event_log_head, load_deadlines, remember
from engine.db import Case, Client, Municipality, Organisation, User

from .context import CheckContext
from .evaluation import Finding, evaluate
from .query import DashboardParams, quarter_bounds
from .rule_store import ActiveRules, active_rules
from .rules import Rule

PAGE_SIZE = 50


@dataclass(frozen=True)
class RuleCount:
    """Violations and at-risk cases of one rule."""

    rule: Rule
    violations: int
    at_risk: int


@dataclass(frozen=True)
class Row:
    """One line of the list: the finding with the case's names."""

    finding: Finding
    rule: Rule
    reference: str
    client_name: str
    municipality: str
    organisation: str
    caseworker: str | None


@dataclass
class Dashboard:
    """Everything the dashboard page shows."""

    params: DashboardParams
    active: ActiveRules
    counts: list[RuleCount]
    findings: list[Finding]
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Findings after all filters."""
        return len(self.findings)


def compute_findings(uow, params: DashboardParams) -> tuple[ActiveRules, list[Finding]]:
    """Evaluate the rules in force on the cases in scope, as of the chosen date, then the quarter filter."""
    active = active_rules(uow)
    deadlines = load_deadlines(uow.session)
    ctx = CheckContext(params.as_of, active.rules.at_risk_days, deadlines, tuple(params.case_filters()))
    # The page and its charts ask for the same evaluation: computed once while nothing changed.
    key = ("findings", replace(params, rule=None, state="all", page=1, quarter=None), active.version.id,
           tuple(sorted(deadlines.items())), event_log_head(uow.session))
    findings = list(remember(key, lambda: tuple(evaluate(uow.session, active.rules, ctx))))
    if params.quarter:
        start, end = quarter_bounds(params.quarter)
        findings = [f for f in findings if f.since and start <= f.since <= end]
    return active, findings


def dashboard(uow, params: DashboardParams, page_size: int = PAGE_SIZE) -> Dashboard:
    """The counts per rule and one page of the filtered list."""
    active, findings = compute_findings(uow, params)
    by_rule = Counter((f.rule_id, f.state) for f in findings)
    counts = [RuleCount(r, by_rule[(r.id, "violation")], by_rule[(r.id, "at_risk")]) for r in active.rules.rules]
    shown = [f for f in findings if (params.rule in (None, f.rule_id)) and params.state in ("all", f.state)]
    board = Dashboard(params, active, counts, shown)
    start = (params.page - 1) * page_size
    board.rows = describe(uow, active, shown[start:start + page_size])
    return board


def describe(uow, active: ActiveRules, findings: list[Finding]) -> list[Row]:
    """Attach reference, client, municipality, organisation and caseworker to findings (one query)."""
    if not findings:
        return []
    responsible = aliased(User)
    stmt = (select(Case.id, Case.reference, Client.first_name, Client.last_name, Municipality.name,
                   Organisation.name, responsible.display_name)
            .join(Client, Client.id == Case.client_id).join(Municipality, Municipality.id == Case.municipality_id)
            .join(Organisation, Organisation.id == Case.organisation_id)
            .outerjoin(responsible, responsible.id == Case.responsible_user_id)
            .where(Case.id.in_({f.case_id for f in findings})))
    names = {row[0]: row[1:] for row in uow.session.execute(stmt)}
    rows = []
    for f in findings:
        ref, first, last, town, org, worker = names[f.case_id]
        rows.append(Row(f, active.rules.by_id(f.rule_id), ref, f"{first} {last}", town, org, worker))
    return rows


def violations_per_month(findings: list[Finding], as_of: date, months: int = 12) -> list[tuple[str, int]]:
    """Violations by the month they began, for the `months` months up to the as-of date (oldest first)."""
    keys = []
    year, month = as_of.year, as_of.month
    for _ in range(months):
        keys.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    counts = Counter(f"{f.since:%Y-%m}" for f in findings if f.is_violation and f.since)
    return [(k, counts[k]) for k in reversed(keys)]
