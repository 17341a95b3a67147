"""The API's answers about cases: search results and the case with plan, contacts, notes and timeline."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


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


class EventsQuery(Schema):
    """Which page of a case's events."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class AuditEvent(Schema):
    """One event of the hash-chained log."""

    seq = fields.Integer()
    at = fields.DateTime()
    kind = fields.String()
    label = fields.String()
    actor_id = fields.Integer(allow_none=True)
    payload = fields.Dict(keys=fields.String(), values=fields.Raw())
    hash = fields.String()
    redacted = fields.Boolean()


class EventPage(Schema):
    """A page of a case's events."""

    items = fields.List(fields.Nested(AuditEvent))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()
