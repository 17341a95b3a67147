"""Mandated-step compliance: the rules file, set-based rule checks, the dashboard's queries."""
from .context import CheckContext
from .dashboard import Dashboard, compute_findings, dashboard, violations_per_month
from .evaluate import Finding, evaluate
from .figures import closures_by_reason, filter_options, goals_by_area_and_status
from .query import DashboardParams, parse_params, quarter_of, recent_quarters
from .rule_store import RULE_EDITORS, active_rules, load_shipped_rules, rule_versions, save_rules
from .rules import Rule, RulesError, RuleSet, parse_rules

__all__ = ["CheckContext", "Dashboard", "compute_findings", "dashboard", "violations_per_month", "Finding",
           "evaluate", "closures_by_reason", "filter_options", "goals_by_area_and_status", "DashboardParams",
           "parse_params", "quarter_of", "recent_quarters", "RULE_EDITORS", "active_rules", "load_shipped_rules",
           "rule_versions", "save_rules", "Rule", "RuleSet", "RulesError", "parse_rules"]
