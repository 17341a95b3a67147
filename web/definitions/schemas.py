"""Marshmallow schemas for the Prozesse pages' JSON bodies and forms (drafts, checks, deploys, comparisons)."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from engine.errors import InvalidInput

DRAFT_VERSION = {"load_default": None, "allow_none": True, "validate": validate.Range(min=1, max=2**31 - 1)}


class XmlBody(Schema):
    """POST body of the check endpoint: the BPMN XML as text."""

    class Meta:
        unknown = EXCLUDE

    xml = fields.String(required=True)


class SaveXmlBody(XmlBody):
    """POST body of the save endpoint: the XML and the draft version the editor was opened with."""

    draft_version = fields.Integer(**DRAFT_VERSION)


class SaveFormBody(Schema):
    """POST body of the form save endpoint: the form-js schema and the draft version."""

    class Meta:
        unknown = EXCLUDE

    schema = fields.Dict(required=True)
    draft_version = fields.Integer(**DRAFT_VERSION)


class DraftForm(Schema):
    """A form POST that acts on a draft: which draft version the page showed, an optional comment."""

    class Meta:
        unknown = EXCLUDE

    draft_version = fields.Integer(**DRAFT_VERSION)
    comment = fields.String(load_default="", validate=validate.Length(max=2000))

    @pre_load
    def _empty_is_none(self, data, **_kwargs):
        # An HTML form sends "" for "there was no draft when the page was rendered".
        if isinstance(data, dict) and data.get("draft_version") == "":
            data = {**data, "draft_version": None}
        return data


class NewProcessForm(Schema):
    """Neuer Prozess: key and name (checked by the service, with field messages), the source of the first draft."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(load_default="", validate=validate.Length(max=200))
    name = fields.String(load_default="", validate=validate.Length(max=1000))
    source = fields.String(load_default="blank", validate=validate.Length(max=20))
    template = fields.String(load_default="", validate=validate.Length(max=200))


class NewFormForm(Schema):
    """Neues Formular: its id and title (checked by the service, with field messages)."""

    class Meta:
        unknown = EXCLUDE

    key = fields.String(load_default="", validate=validate.Length(max=200))
    title = fields.String(load_default="", validate=validate.Length(max=1000))


class CompareQuery(Schema):
    """Which two versions to compare (ids of process_definition rows)."""

    class Meta:
        unknown = EXCLUDE

    alt = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    neu = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


def load(schema: Schema, data) -> dict:
    """Validate input with a schema; German InvalidInput (422) instead of a marshmallow error."""
    if not isinstance(data, dict):
        raise InvalidInput("Die Anfrage enthält kein gültiges JSON-Objekt.")
    try:
        return schema.load(data)
    except ValidationError as exc:
        fields_ = ", ".join(sorted(exc.messages)) if isinstance(exc.messages, dict) else ""
        raise InvalidInput(f"Die Anfrage ist unvollständig oder fehlerhaft ({fields_}).",
                           {k: "ungültig" for k in exc.messages} if isinstance(exc.messages, dict) else {}) from None
