"""Marshmallow schemas for URL parameters and small forms handled outside the form-js machinery."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.errors import InvalidInput

# Larger ids cannot exist and would overflow the database's integer (SQLite raises, PostgreSQL refuses).
MAX_ID = 2**31 - 1


class WorklistQuery(Schema):
    """Worklist filters from the query string."""

    class Meta:
        unknown = EXCLUDE

    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "team", "all"]))
    municipality = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    task = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    due = fields.String(load_default="any", validate=validate.OneOf(["any", "overdue", "week"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class CaseSearchQuery(Schema):
    """Case list filters from the query string."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(load_default="", validate=validate.Length(max=100))
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "closed", "all"]))
    municipality = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    # Decision outcome "table key=outcome" (latest evaluation of that table per case), e.g. "eligibility=nein".
    decision = fields.String(load_default="", validate=validate.Regexp(r"^([A-Za-z_][\w.-]{0,99}=.{1,200})?$"))


class VersionForm(Schema):
    """The case version a task form was opened at (optimistic locking)."""

    class Meta:
        unknown = EXCLUDE

    case_version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class AssignForm(Schema):
    """Assigning a task to a colleague."""

    class Meta:
        unknown = EXCLUDE

    assignee_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class NoteForm(Schema):
    """A case note."""

    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class StartProcessForm(Schema):
    """Starting a further process on a case: which process, at which case version the page was opened."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(required=True, validate=validate.Length(min=1, max=100),
                        error_messages={"required": "Bitte wählen Sie einen Ablauf."})
    version = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=2**31 - 1),
                             error_messages={"required": "Das Formular ist unvollständig. Bitte laden Sie die Seite "
                                                         "neu.", "invalid": "Das Formular ist unvollständig."})


def load_args(schema: Schema, source) -> dict:
    """Load request data with a schema; empty strings count as missing; errors become InvalidInput (German)."""
    cleaned = {k: v for k, v in source.items() if v != ""}
    try:
        return schema.load(cleaned)
    except ValidationError as err:
        messages = {k: _german(v) for k, v in err.messages.items()}
        raise InvalidInput("Ungültige Angaben: " + ", ".join(sorted(messages)), messages) from None


def _german(messages) -> str:
    text = messages[0] if isinstance(messages, list) else str(messages)
    if "valid integer" in text or "Not a valid" in text:
        return "Ungültiger Wert."
    if "required" in text.lower():
        return "Pflichtangabe fehlt."
    return "Ungültiger Wert."
