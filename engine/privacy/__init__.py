"""Data protection: consent records and withdrawal, closing a restricted case, rectification, the Art. 15 export,
retention and anonymisation, and the access log.
"""
from .access_logging import (
    ACTION_LABELS,
    OUTCOME_LABELS,
    PAGE_SIZE,
    access_log,
    access_log_csv,
    log_access,
    parse_access_query,
)
from .case_panel import privacy_panel
from .consent import CONSENT_FORMS, PURPOSES, add_initial_consent, record_consent, withdraw_consent
from .rectification import FIELDS, MAX_LENGTHS, choices, current_values, rectify_client
from .restricted_closure import close_restricted_case
from .retention import anonymise_due_cases, cutoff_date, overview, set_retention
from .subject_access import export_archive, export_json, export_pdf

__all__ = [
    "access_log", "access_log_csv", "ACTION_LABELS", "add_initial_consent", "anonymise_due_cases", "choices",
    "close_restricted_case", "CONSENT_FORMS", "current_values", "cutoff_date", "export_archive", "export_json",
    "export_pdf",
    "FIELDS", "log_access", "MAX_LENGTHS", "OUTCOME_LABELS", "overview", "PAGE_SIZE", "parse_access_query",
    "privacy_panel", "PURPOSES", "record_consent", "rectify_client", "set_retention", "withdraw_consent"
]
