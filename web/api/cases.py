"""Cases in the API: search, intake, the case with plan, contacts, notes and timeline; adding a note."""
from __future__ import annotations

from flask import url_for
from flask_smorest import Blueprint

from engine.audit import EVENTS_PAGE_SIZE, case_events
from engine.base import EVENT_LABELS
from engine.casework import PAGE_SIZE, add_note, case_view, open_case, search_cases

from ..deps import actor, reader, uow
from ..schemas import CaseSearchQuery
from .case_schemas import CaseDetail, CasePage, EventPage, EventsQuery
from .schemas import Created, Done, FormData, NoteBody, form_input

bp = Blueprint("api_cases", __name__, url_prefix="/api/v1", description="Fälle: Suche, Aufnahme, Fallakte")


@bp.route("/cases")
@bp.arguments(CaseSearchQuery, location="query")
@bp.response(200, CasePage)
def search(args):
    """Search the cases the token's user may see (by name or reference, status, municipality; 50 per page)."""
    with reader() as r:
        rows, total = search_cases(r, actor(), args["q"], args["status"], args["municipality"], args["page"])
    return {"items": rows, "total": total, "page": args["page"], "page_size": PAGE_SIZE}


@bp.route("/cases", methods=["POST"])
@bp.arguments(FormData)
@bp.response(201, Created)
def intake(body):
    """Intake: create client and case from the intake form's fields and start the journey."""
    case_id = open_case(uow(), form_input(body["data"]), actor())
    return {"id": case_id}, 201, {"Location": url_for("api_cases.detail", case_id=case_id)}


@bp.route("/cases/<case_id>")
@bp.response(200, CaseDetail)
def detail(case_id: str):
    """The case with client, plan, open tasks, contacts, notes and timeline (the read is access-logged)."""
    with reader() as r:
        v = case_view(r, actor(), case_id)
        c = v.case
        return {
            "id": c.id, "reference": c.reference, "version": c.version, "status": c.status, "phase": c.phase,
            "municipality": v.municipality, "organisation": v.organisation, "responsible": v.responsible,
            "intake_date": c.intake_date, "consent_date": c.consent_date, "plan_date": c.plan_date,
            "next_review_due": c.next_review_due, "closed_on": c.closed_on, "closure_reason": c.closure_reason,
            "restricted": bool(c.processing_restricted), "client": c.client, "goals": v.goals,
            "assessment": v.assessment, "open_tasks": v.open_tasks, "contacts": v.contacts, "notes": v.notes,
            "timeline": [{"id": e.id, "at": e.at, "kind": e.kind, "label": EVENT_LABELS.get(e.kind, e.kind),
                          "actor_id": e.actor_id} for e in v.timeline],
        }


@bp.route("/cases/<case_id>/notes", methods=["POST"])
@bp.arguments(NoteBody)
@bp.response(201, Done)
def add_case_note(body, case_id: str):
    """Add a note to the case."""
    add_note(uow(), case_id, body["text"], actor())
    return {"message": "Die Notiz wurde gespeichert."}


@bp.route("/cases/<case_id>/events")
@bp.arguments(EventsQuery, location="query")
@bp.response(200, EventPage)
def events(args, case_id: str):
    """The case's audit events with their payloads and chain positions, oldest first, 100 per page."""
    with reader() as r:
        rows, total = case_events(r, actor(), case_id, args["page"])
        items = [{"seq": e.seq, "at": e.at, "kind": e.kind, "label": EVENT_LABELS.get(e.kind, e.kind),
                  "actor_id": e.actor_id, "payload": e.payload, "hash": e.hash, "redacted": e.redacted_at is not None}
                 for e in rows]
    return {"items": items, "total": total, "page": args["page"], "page_size": EVENTS_PAGE_SIZE}
