"""Marshmallow schemas of the API's bodies and answers (the OpenAPI document is generated from them)."""
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


class CaseSummary(Schema):
    """One case in a search result."""

    id = fields.String(attribute="case_id")
    reference = fields.String()
    client_name = fields.String()
    municipality = fields.String()
    phase = fields.String()
    status = fields.String()
    responsible = fields.String(allow_none=True)
    next_review_due = fields.Date(allow_none=True)
    opened_at = fields.Date()
    restricted = fields.Boolean()


class CasePage(Schema):
    """A page of the case search."""

    items = fields.List(fields.Nested(CaseSummary))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


class Goal(Schema):
    """A goal of the integration plan."""

    id = fields.String()
    life_area = fields.String()
    title = fields.String()
    obligations = fields.String()
    support = fields.String()
    responsible = fields.String()
    due_date = fields.Date(allow_none=True)
    status = fields.String()
    status_reason = fields.String(allow_none=True)
    agreed_on = fields.Date()


class AssessmentArea(Schema):
    """One life area of the needs assessment."""

    life_area = fields.String()
    situation = fields.String(allow_none=True)
    resources = fields.String(allow_none=True)
    needs = fields.String(allow_none=True)
    support_needed = fields.Boolean()
    assessed_on = fields.Date()


class Contact(Schema):
    """A logged contact or counselling session."""

    id = fields.Integer()
    occurred_on = fields.Date()
    kind = fields.String()
    duration_minutes = fields.Integer()
    topics = fields.List(fields.String())
    interpreter_used = fields.Boolean()
    summary = fields.String(allow_none=True)
    recorded_by = fields.Integer(allow_none=True)


class Note(Schema):
    """A case note."""

    id = fields.Integer()
    text = fields.String()
    author_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class TimelineEntry(Schema):
    """An event of the case's history."""

    id = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    label = fields.String()
    actor_id = fields.Integer(allow_none=True)


class OpenTaskRef(Schema):
    """An open task of a case."""

    id = fields.String()
    title = fields.String()
    step = fields.String(allow_none=True)
    form_key = fields.String(allow_none=True)
    assignee_id = fields.Integer(allow_none=True)
    due_on = fields.Date(allow_none=True)


class Client(Schema):
    """The client's personal data (only what the case page shows)."""

    first_name = fields.String()
    last_name = fields.String()
    birth_date = fields.Date(allow_none=True)
    nationality = fields.String(allow_none=True)
    languages = fields.String(allow_none=True)
    residence_status = fields.String()


class CaseDetail(Schema):
    """A case with its plan, contacts, notes and timeline (the case page's data)."""

    id = fields.String()
    reference = fields.String()
    version = fields.Integer()
    status = fields.String()
    phase = fields.String()
    municipality = fields.String()
    organisation = fields.String()
    responsible = fields.String(allow_none=True)
    intake_date = fields.Date()
    consent_date = fields.Date(allow_none=True)
    plan_date = fields.Date(allow_none=True)
    next_review_due = fields.Date(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    closure_reason = fields.String(allow_none=True)
    restricted = fields.Boolean()
    client = fields.Nested(Client)
    goals = fields.List(fields.Nested(Goal))
    assessment = fields.List(fields.Nested(AssessmentArea))
    open_tasks = fields.List(fields.Nested(OpenTaskRef))
    contacts = fields.List(fields.Nested(Contact))
    notes = fields.List(fields.Nested(Note))
    timeline = fields.List(fields.Nested(TimelineEntry))


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


class DefinitionVersion(Schema):
    """One deployed version of a process definition."""

    id = fields.Integer()
    version = fields.Integer()
    name = fields.String()
    kind = fields.String()
    comment = fields.String(allow_none=True)
    running_cases = fields.Integer()


class DefinitionXml(Schema):
    """The BPMN XML of a deployed version."""

    id = fields.Integer()
    bpmn_xml = fields.String()


class DeployBody(Schema):
    """A new version: the BPMN XML and the change comment the version list shows."""

    class Meta:
        unknown = EXCLUDE

    bpmn_xml = fields.String(required=True, validate=validate.Length(min=1, max=2_000_000))
    comment = fields.String(required=True, validate=validate.Length(min=1, max=500))


class Definition(Schema):
    """A process definition with its deployed versions (newest first)."""

    key = fields.String()
    name = fields.String()
    versions = fields.List(fields.Nested(DefinitionVersion))


def form_input(data: dict) -> MultiDict:
    """JSON form data as the web form would post it (lists repeat the key, true is a ticked box)."""
    out = MultiDict()
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if item is None or item is False:
                continue
            out.add(str(key), "on" if item is True else str(item))
    return out
