"""Restriction of processing after a consent withdrawal: which writes stay possible, and the refusal."""
from __future__ import annotations

from engine.errors import Forbidden

RESTRICTED_MESSAGE = ("Die Einwilligung wurde widerrufen: Die Verarbeitung dieses Falls ist eingeschränkt. "
                      "Möglich sind nur eine neue Einwilligung, die Berichtigung von Personendaten, die Auskunft "
                      "und der Abschluss des Falls.")


def ensure_processing_allowed(case) -> None:
    """Refuse any further processing of a case whose consent was withdrawn."""
    if case.processing_restricted:
        raise Forbidden(RESTRICTED_MESSAGE)


