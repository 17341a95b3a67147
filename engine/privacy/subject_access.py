"""The data subject's copy (Art. 15 GDPR): everything held about one client, as JSON and as a German PDF.

Built from the client's own rows only (client, household, the client's cases and their records and events),
so nothing about another client can slip in; staff appear by name. Every export is an audited event.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from sqlalchemy import select

from engine.base import (
    DOCUMENT_CATEGORIES,
    EVENT_LABELS,
    Actor,
    DocumentStore,
    record_event,
    scope_cases,
    visible_case,
)
from engine.db import (
    Appointment,
    AssessmentArea,
    Case,
    CaseDocument,
    CompletedTask,
    ConsentRecord,
    Contact,
    Event,
    Goal,
    Municipality,
    Note,
    Organisation,
    Partner,
    Referral,
    User,
)
from engine.errors import Forbidden

EXPORT_ROLES = {"supervisor", "privacy"}
CLIENT_FIELDS = ("first_name", "last_name", "birth_date", "gender", "nationality", "languages", "interpreter_needed",
                 "interpreter_language", "phone", "email", "accommodation_address", "residence_status",
                 "residence_status_evidence", "au_since", "counselling_start")
CASE_FIELDS = ("reference", "status", "phase", "intake_date", "eligible", "eligibility_reason", "counselling_end",
               "consent_date", "consent_scope", "processing_restricted", "plan_date", "next_review_due", "closed_on",
               "closure_reason")


def subject_access_data(uow, actor: Actor, case_id: str, fmt: str) -> dict:
    """Collect the client's data (inside the caller's writing uow) and log the export; the caller commits."""
    if actor.role not in EXPORT_ROLES:
        raise Forbidden("Die Auskunft nach Art. 15 DSGVO erstellen Teamleitung und Datenschutz.")
    case, cases = _client_cases(uow, actor, case_id)
    client = case.client
    s = uow.session
    ids = [c.id for c in cases]
    users = dict(s.execute(select(User.id, User.display_name)).all())

    def rows(model, order):
        return list(s.execute(select(model).where(model.case_id.in_(ids)).order_by(*order)).scalars())

    by_case = {c.id: {"assessment": [], "goals": [], "contacts": [], "notes": [], "consents": [], "steps": [],
                      "documents": [], "events": [], "referrals": [], "appointments": []} for c in cases}
    for a in rows(AssessmentArea, (AssessmentArea.id,)):
        by_case[a.case_id]["assessment"].append(_row(a, ("life_area", "situation", "resources", "needs",
                                                         "support_needed", "assessed_on")))
    for g in rows(Goal, (Goal.agreed_on, Goal.life_area)):
        by_case[g.case_id]["goals"].append(_row(g, ("life_area", "title", "obligations", "support", "responsible",
                                                    "due_date", "status", "status_reason", "achieved_on",
                                                    "final_evaluation", "agreed_on", "translation",
                                                    "translation_language")))
    for k in rows(Contact, (Contact.occurred_on, Contact.id)):
        by_case[k.case_id]["contacts"].append({**_row(k, ("occurred_on", "kind", "duration_minutes", "topics",
                                                          "interpreter_used", "summary")),
                                               "recorded_by": users.get(k.recorded_by)})
    for n in rows(Note, (Note.id,)):
        by_case[n.case_id]["notes"].append({"created_at": _iso(n.created_at), "text": n.text,
                                            "author": users.get(n.author_id)})
    # Documents are listed with their SHA-256: the person can ask for each file, and check it against its hash.
    for d in rows(CaseDocument, (CaseDocument.uploaded_at, CaseDocument.id)):
        by_case[d.case_id]["documents"].append({
            **_row(d, ("filename", "category", "document_date", "note", "content_type", "size", "sha256",
                       "uploaded_at")),
            "category_label": DOCUMENT_CATEGORIES.get(d.category, d.category),
            "uploaded_by": users.get(d.uploaded_by)})
    partners = dict(s.execute(select(Partner.id, Partner.name).where(
        Partner.id.in_(select(Referral.partner_id).where(Referral.case_id.in_(ids))))).all())
    for f in rows(Referral, (Referral.referred_on, Referral.id)):
        by_case[f.case_id]["referrals"].append({**_row(f, ("referred_on", "reason", "follow_up_on", "outcome",
                                                           "outcome_note")),
                                                "partner": partners.get(f.partner_id),
                                                "recorded_by": users.get(f.recorded_by)})
    for a in rows(Appointment, (Appointment.day, Appointment.start_time)):
        by_case[a.case_id]["appointments"].append({
            **_row(a, ("day", "duration_minutes", "home_visit", "place", "interpreter_needed",
                       "interpreter_language", "note", "status")),
            "start_time": a.start_time.strftime("%H:%M"), "with": users.get(a.caseworker_id)})
    members = {m.id: m.name for m in client.household}
    for r in rows(ConsentRecord, (ConsentRecord.given_on, ConsentRecord.id)):
        by_case[r.case_id]["consents"].append({
            **_row(r, ("purposes", "given_on", "form", "note", "withdrawn_purposes", "withdrawn_on",
                       "withdrawal_note")),
            "person": members.get(r.household_member_id) if r.household_member_id else "Klient/in",
            "recorded_by": users.get(r.recorded_by), "withdrawn_by": users.get(r.withdrawn_by)})
    for t in rows(CompletedTask, (CompletedTask.completed_at,)):  # the submitted forms, free texts included
        by_case[t.case_id]["steps"].append({"title": t.title, "completed_at": _iso(t.completed_at),
                                            "by": users.get(t.completed_by), "data": t.data})
    for e in rows(Event, (Event.seq,)):
        by_case[e.case_id]["events"].append({"at": _iso(e.at), "kind": e.kind,
                                             "label": EVENT_LABELS.get(e.kind, e.kind),
                                             "by": users.get(e.actor_id), "payload": e.payload})
    data = {
        "title": "Auskunft nach Art. 15 DSGVO",
        "created_at": _iso(uow.clock.now()), "created_by": actor.display_name,
        "client": {**_row(client, CLIENT_FIELDS),
                   "household": [{"name": m.name, "relation": m.relation, "birth_date": _iso(m.birth_date)}
                                 for m in client.household]},
        "cases": [{**_row(c, CASE_FIELDS),
                   "municipality": s.get(Municipality, c.municipality_id).name,
                   "organisation": s.get(Organisation, c.organisation_id).name,
                   "responsible": users.get(c.responsible_user_id), **by_case[c.id]} for c in cases],
    }
    record_event(uow, "data_export", actor.id, case.id, format=fmt, cases=len(cases))
    return data


def _client_cases(uow, actor: Actor, case_id: str) -> tuple[Case, list[Case]]:
    """The case asked about and all cases of its client the actor may see (the export's scope)."""
    case = visible_case(uow.session, actor, case_id)
    cases = list(uow.session.execute(scope_cases(select(Case).where(Case.client_id == case.client_id), actor)
                                     .order_by(Case.intake_date)).scalars())
    return case, cases


def export_json(uow, actor: Actor, case_id: str) -> tuple[bytes, str]:
    """The JSON file and its name."""
    with uow:
        data = subject_access_data(uow, actor, case_id, "json")
        uow.commit()
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), _filename(data, "json")


def export_pdf(uow, actor: Actor, case_id: str) -> tuple[bytes, str]:
    """The PDF (German, readable) and its name."""
    from engine.reporting import render_pdf

    from .subject_access_labels import LABELS

    with uow:
        data = subject_access_data(uow, actor, case_id, "pdf")
        pdf = render_pdf("subject_access.html", d=data, L=LABELS)
        uow.commit()
    return pdf, _filename(data, "pdf")


def export_archive(uow, store: DocumentStore, actor: Actor, case_id: str) -> tuple[bytes, str]:
    """A ZIP with the PDF, the JSON and a copy of every stored document of the client's cases (Art. 15 (3))."""
    from engine.reporting import render_pdf

    from .subject_access_labels import LABELS

    with uow:
        data = subject_access_data(uow, actor, case_id, "zip")
        pdf = render_pdf("subject_access.html", d=data, L=LABELS)
        ids = [c.id for c in _client_cases(uow, actor, case_id)[1]]
        documents = list(uow.session.execute(
            select(CaseDocument).where(CaseDocument.case_id.in_(ids), CaseDocument.storage != "deleted")
            .order_by(CaseDocument.uploaded_at, CaseDocument.id)).scalars())
        files = [(f"dokumente/{n:03d}-{d.filename}", store.read(d.sha256, d.storage, d.content))
                 for n, d in enumerate(documents, 1)]
        uow.commit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_filename(data, "pdf"), pdf)
        archive.writestr(_filename(data, "json"), json.dumps(data, ensure_ascii=False, indent=2))
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue(), _filename(data, "zip")


def _filename(data: dict, ext: str) -> str:
    ref = data["cases"][0]["reference"] if data["cases"] else "fall"
    return f"auskunft-{ref}.{ext}"


def _row(obj, names) -> dict:
    return {n: _iso(getattr(obj, n)) for n in names}


def _iso(value):
    return value.isoformat() if isinstance(value, date | datetime) else value
