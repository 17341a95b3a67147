"""The API's answers about tasks: worklist pages and a task with its form."""
from __future__ import annotations

from marshmallow import Schema, fields


class WorklistItem(Schema):
    """One task of the worklist."""

    id = fields.String(attribute="task_id")
    case_id = fields.String()
    reference = fields.String()
    client_name = fields.String()
    municipality = fields.String()
    title = fields.String()
    role = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    assignee = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    overdue = fields.Boolean()
    restricted = fields.Boolean()
    process_name = fields.String(allow_none=True)


class WorklistPage(Schema):
    """A page of the worklist."""

    items = fields.List(fields.Nested(WorklistItem))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class TaskDetail(Schema):
    """A task with its form (the form-js schema as Integraflow reads it) and the prefilled values."""

    id = fields.String()
    case_id = fields.String()
    title = fields.String()
    step = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    due_on = fields.Date(allow_none=True)
    case_version = fields.Integer()
    view_only = fields.String(allow_none=True, metadata={"description": "Warum die Aufgabe nur angesehen werden "
                                                                        "kann (sonst leer)"})
    values = fields.Dict(keys=fields.String(), values=fields.Raw())
    form = fields.Dict(keys=fields.String(), values=fields.Raw())
