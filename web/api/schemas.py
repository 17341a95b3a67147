"""Marshmallow schemas of the API's request bodies and short answers (the OpenAPI document is generated from them).

The answers about cases, tasks and definitions are in case_schemas, task_schemas and definition_schemas.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.datastructures import MultiDict

FORM_VALUE = fields.Raw(metadata={"description": "Text, Zahl, Wahrheitswert oder Liste von Texten"})


class FormData(Schema):
    """Form input as on the web form: field names as in the form (rows of lists as `goals-0-title`)."""

    class Meta:
        unknown = EXCLUDE

    data = fields.Dict(keys=fields.String(validate=validate.Length(max=200)), values=FORM_VALUE, required=True,
                       validate=validate.Length(max=500),
                       metadata={"description": "Feldwerte; Mehrfachauswahl als Liste, Häkchen als true"})


class CompleteTaskBody(FormData):
    """Completing a task: the form's data and the case version the task was read at (optimistic locking)."""

    case_version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class NoteBody(Schema):
    """A case note."""

    class Meta:
        unknown = EXCLUDE

    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))


class AssignBody(Schema):
    """Assigning a task to a colleague."""

    class Meta:
        unknown = EXCLUDE

    assignee_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class Created(Schema):
    """The id of what was created."""

    id = fields.String(required=True)


class Done(Schema):
    """A change that went through, with a German confirmation."""

    message = fields.String(required=True)


def form_input(data: dict) -> MultiDict:
    """JSON form data as the web form would post it (lists repeat the key, true is a ticked box)."""
    out = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                continue
            out.add(str(key), "on" if item is True else str(item))
    return out
