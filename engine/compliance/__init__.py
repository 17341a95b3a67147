"""Mandated-step compliance: the rules file, set-based rule checks, the dashboard's queries."""
from .checks import CHECKS
from .context import CheckContext
from .document_rules import newest_rules_checksum, rules_by_document_category
from .evaluation import Finding, evaluate, tune_session
from .figures import closures_by_reason, filter_options, goals_by_area_and_status
from .overview import Dashboard, compute_findings, dashboard, describe, violations_per_month
from .query import DashboardParams, parse_params, quarter_of, recent_quarters
from .rule_schema import KIND_LABELS
from .rule_store import RULE_EDITORS, SHIPPED_RULES, active_rules, load_shipped_rules, rule_versions, save_rules
from .rule_targets import FORM_PREFIX, RuleTargets, targets_of
from .rules import Rule, RulesError, RuleSet, parse_rules

__all__ = [
    "active_rules", "CheckContext", "CHECKS", "closures_by_reason", "compute_findings", "Dashboard",
    "dashboard", "DashboardParams", "describe",
    "newest_rules_checksum", "rules_by_document_category", "evaluate", "filter_options", "Finding", "FORM_PREFIX",
    "goals_by_area_and_status", "KIND_LABELS", "load_shipped_rules", "parse_params", "parse_rules",
    "quarter_of", "recent_quarters", "Rule", "RULE_EDITORS", "rule_versions", "RulesError", "RuleSet",
    "RuleTargets", "save_rules", "SHIPPED_RULES", "targets_of", "tune_session", "violations_per_month"
]
