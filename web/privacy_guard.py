"""Writes on a case whose consent was withdrawn: refused centrally, except the few the GDPR keeps possible."""
from __future__ import annotations

from engine.base import ensure_processing_allowed

# Still possible after a withdrawal: a new consent (or withdrawing more), rectification, closing the case; the
# task form lets the service decide (only the closure task may be completed). The export is a GET.
ALLOWED_WHEN_RESTRICTED = frozenset({"privacy.record_consent", "privacy.withdraw_consent", "privacy.rectify",
                                     "privacy.close_restricted", "tasks.form", "api_tasks.complete"})


def refuse_if_restricted(endpoint: str, case) -> None:
    """Raise the German refusal when a write would process a restricted case."""
    if endpoint not in ALLOWED_WHEN_RESTRICTED:
        ensure_processing_allowed(case)
