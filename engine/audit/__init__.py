"""Proving what happened: verification of the hash-chained event log (Prüfpfad), authorised redaction, and process
conformance (Prozesstreue).
"""
from .case_trail import PAGE_SIZE as EVENTS_PAGE_SIZE
from .case_trail import case_events
from .conformance import (
    EXPLANATION_LABELS,
    case_conformance,
    check_all_cases,
    conformance_overview,
    process_conformance,
)
from .redaction import redact_event_payload
from .trail import (
    audit_overview,
    require_auditor,
    run_verification,
    start_verification,
    wait_for_background_verification,
)
from .verify import REDACTION, verify_chain

__all__ = [
    "audit_overview", "case_conformance", "check_all_cases", "conformance_overview", "EXPLANATION_LABELS",
    "process_conformance", "redact_event_payload", "REDACTION", "require_auditor", "run_verification",
    "start_verification", "verify_chain", "wait_for_background_verification", "case_events", "EVENTS_PAGE_SIZE"
]
