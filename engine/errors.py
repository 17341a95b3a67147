"""Domain errors with messages a caseworker understands; the web layer maps them to pages."""
from __future__ import annotations


class IntegraflowError(Exception):
    """Base of every error meant to be shown to a user."""

    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(IntegraflowError):
    """The object does not exist or the user may not see it (deliberately indistinguishable)."""

    status = 404


class Forbidden(IntegraflowError):
    """The user is known but the action is not theirs to take."""

    status = 403


class Conflict(IntegraflowError):
    """Someone else changed the case first; nothing was saved."""

    status = 409


class InvalidInput(IntegraflowError):
    """Input failed validation; `errors` maps field names to German messages."""

    status = 422

    def __init__(self, message: str, errors: dict[str, str] | None = None, values: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}
        self.values = values or {}


class WorkflowFailure(IntegraflowError):
    """The process definition failed while running (a broken condition or script)."""

    status = 500
