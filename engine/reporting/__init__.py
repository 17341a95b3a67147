"""Reporting: the state report (figures, exports) and the printable target agreement."""
from .eligible_persons import EligibleEntry, eligible_entries, record_eligible_persons
from .figures import StateReport, UnitFigures
from .params import ReportParams, load_params
from .rule_version import rule_version
from .scope import report_choices
from .state_report import REPORT_ROLES, state_report
from .target_agreement_document import AgreementPdf, print_target_agreement, target_agreement_pdf

__all__ = ["EligibleEntry", "eligible_entries", "record_eligible_persons", "StateReport", "UnitFigures",
           "ReportParams", "load_params", "rule_version", "report_choices", "REPORT_ROLES", "state_report",
           "AgreementPdf", "print_target_agreement", "target_agreement_pdf"]
