"""Checks a BPMN definition before deployment and reports, in German, everything our runtime cannot run.

SpiffWorkflow's parser stops at the first error and accepts elements our runtime cannot execute (service
tasks, compensation) or silently ignores (conditions on flows out of tasks). The lint walks the XML itself so
an author sees every problem at once, each at its element id; the parser's own findings are added on top.
"""
from .check import check_files, lint_definition
from .context import DeployContext
from .decision_table import check_decision, decision_data_names
from .guards import forbidden_code, removed_field_uses
from .problems import Problem

__all__ = ["check_decision", "decision_data_names", "DeployContext", "Problem", "check_files",
           "forbidden_code", "lint_definition", "removed_field_uses"]
