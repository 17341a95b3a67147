"""Reporting: the state report (figures, exports) and the printable target agreement."""
from .agreement_language import (
    AGREEMENT_LANGUAGES,
    LANGUAGE_LABELS,
    agreement_gettext,
    set_client_language,
    set_goal_translation,
)
from .eligible_persons import EligibleEntry, eligible_entries, record_eligible_persons
from .exports import export_report
from .figures import StateReport, UnitFigures
from .form_data import exportable_forms, form_data_csv
from .funding_exports import DEFINITIONS as FUNDING_DEFINITIONS
from .funding_exports import FUNDING_FORMATS, de_figure, export_funding_report, funding_tables
from .funding_figures import FUNDING_ROLES, FundingReport, funding_report
from .labels import AREAS, CLOSURES, DEFINITIONS, GOAL_STATUSES, OUTCOMES
from .params import FIRST_YEAR, ReportParams, ReportQuery, load_params
from .position_grants import PositionEntry, funded_positions, record_funded_position
from .rendering import de_number, render_pdf
from .scope import report_choices
from .stamp import rule_version
from .state_report_query import REPORT_ROLES, state_report
from .tables import report_tables
from .target_agreement_document import AgreementPdf, print_target_agreement, target_agreement_pdf

__all__ = [
    "de_figure", "export_funding_report", "FUNDING_DEFINITIONS", "FUNDING_FORMATS", "funding_tables",
    "FUNDING_ROLES", "funded_positions", "funding_report",
    "FundingReport", "PositionEntry", "record_funded_position",
    "AGREEMENT_LANGUAGES", "agreement_gettext", "LANGUAGE_LABELS", "set_client_language", "set_goal_translation",
    "AgreementPdf", "AREAS", "CLOSURES", "de_number", "DEFINITIONS", "eligible_entries", "EligibleEntry",
    "export_report", "exportable_forms", "FIRST_YEAR", "form_data_csv", "GOAL_STATUSES", "load_params",
    "OUTCOMES", "print_target_agreement", "record_eligible_persons", "render_pdf", "report_choices",
    "REPORT_ROLES", "report_tables", "ReportParams", "ReportQuery", "rule_version", "state_report", "StateReport",
    "target_agreement_pdf", "UnitFigures"
]
