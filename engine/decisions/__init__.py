"""Decision tables (DMN) as data a team lead edits: immutable versions, the pins of process versions, the
evaluations of a case (audit events plus an indexed outcome table) and their German explanations."""
from .compare import TableComparison, compare_tables
from .explain import case_decisions, explain
from .outcomes import cases_with_outcome, outcome_choices
from .recording import record_decisions
from .store import (
    check_decision_file,
    decision_versions,
    deploy_decision,
    latest_decision,
    list_decisions,
    pinned_decisions,
    processes_using,
    shipped_decisions,
    test_decision,
)
from .testing import parse_test_value, run_test, test_fields

__all__ = [
    "case_decisions", "check_decision_file", "compare_tables", "parse_test_value", "run_test", "TableComparison",
    "test_fields", "cases_with_outcome", "decision_versions", "deploy_decision", "explain",
    "latest_decision", "list_decisions", "outcome_choices", "pinned_decisions", "processes_using",
    "record_decisions", "shipped_decisions", "test_decision",
]
