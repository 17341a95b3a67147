"""Removing a client's personal data for good, keeping what the statistics count (one batch of clients).

What stays: ids, municipality, organisation, dates of the journey, statuses, life areas, outcomes, counts,
residence status (eligibility figures). What goes: names, birth dates, contact data, every free text (notes,
contact summaries, assessment, goal texts), the files of case documents, free-text form values inside the
workflow, its archive and the completed-task records, and the personal parts of event payloads (through the
authorised redaction, so the hash chain still verifies).
"""
from __future__ import annotations

from sqlalchemy import bindparam, delete, func, literal, select, update
from sqlalchemy import case as sql_case

from engine.audit import REDACTION, redact_event_payload
from engine.base import record_event
from engine.db import (
    Appointment,
    AssessmentArea,
    Case,
    CaseDocument,
    CaseProcess,
    Client,
    CompletedTask,
    ConsentRecord,
    Contact,
    Event,
    FormVersion,
    Goal,
    HouseholdMember,
    Note,
    Referral,
    Reminder,
    TargetAgreementDocument,
    WorkflowState,
    WorkflowTask,
    WorkflowTaskArchive,
)

ANONYMISED = "Anonymisiert"
# Free-text and identifying keys of the shipped forms and of the intake data; the free-text fields of every form
# a team lead deployed are added at run time (personal_keys), so data of new forms goes too.
PERSONAL_KEYS = frozenset({
    "first_name", "last_name", "birth_date", "nationality", "languages", "interpreter_language", "phone", "email",
    "accommodation_address", "residence_status_evidence", "name", "intake_note", "situation", "resources", "needs",
    "assessment_summary", "title", "obligations", "support", "responsible", "status_reason", "review_summary",
    "closure_reason_text", "evaluation", "final_summary", "summary", "gender", "client_name",
})
# Event payload keys with personal data, per event kind (payloads may also list their own under "redactable").
EVENT_KEYS = {"goals_agreed": {"goals"}, "goals_reviewed": {"goal", "status_reason"},
              "eligibility_checked": {"evidence"}, "counselling_extended": {"reason"},
              "case_closed": {"evaluation", "final_summary"},
              # A decision table may read any case data; its outputs (the decision) stay for the statistics.
              "decision_evaluated": {"inputs"}}
# Where SpiffWorkflow keeps form values inside a serialized task or workflow (delta storage: "delta").
DATA_KEYS = ("data", "internal_data", "delta")
REASON = "Anonymisierung nach Ablauf der Aufbewahrungsfrist"


FREE_TEXT = frozenset({"textfield", "textarea"})


def personal_keys(session) -> frozenset[str]:
    """The shipped personal keys plus every text field and text area of every deployed form version."""
    keys = set(PERSONAL_KEYS)
    for (schema,) in session.execute(select(FormVersion.schema)):
        keys.update(_text_keys(schema.get("components") if isinstance(schema, dict) else None))
    return frozenset(keys)


def _text_keys(components) -> set[str]:
    found = set()
    for component in components or ():
        if isinstance(component, dict):
            if component.get("type") in FREE_TEXT and isinstance(component.get("key"), str):
                found.add(component["key"])
            found |= _text_keys(component.get("components"))
    return found


def scrub(value, keys=PERSONAL_KEYS, inside: bool = True):
    """A copy of JSON data with the values of personal keys blanked (only below "data" unless `inside`)."""
    if isinstance(value, dict):
        return {k: (_blank(v) if inside and k in keys else scrub(v, keys, inside or k in DATA_KEYS))
                for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, keys, inside) for v in value]
    return value


def _blank(value):
    # Structure and list lengths stay (reports count goals and changes); every value becomes null.
    if isinstance(value, dict):
        return {k: _blank(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank(v) for v in value]
    return None


def scrub_event(kind: str, payload: dict) -> dict:
    """The event payload without its personal parts."""
    keys = set(EVENT_KEYS.get(kind, ())) | set(payload.get("redactable") or ())
    return scrub(payload, frozenset(keys), True) if keys else payload


def anonymise_clients(uow, client_ids: list[str], retention: str, store=None) -> list[str]:
    """Anonymise these clients and all their cases inside the caller's unit of work; returns the case ids.

    `store` (the DocumentStore) removes the files of documents kept in the document directory after the commit.
    """
    s = uow.session
    case_rows = s.execute(select(Case.id, Case.closed_on).where(Case.client_id.in_(client_ids))).all()
    case_ids = [r.id for r in case_rows]
    blank = {"birth_date": None, "gender": None, "nationality": None, "languages": None, "interpreter_language": None,
             "phone": None, "email": None, "accommodation_address": None, "residence_status_evidence": None}
    _set(s, Client, Client.id.in_(client_ids), first_name=ANONYMISED, last_name=ANONYMISED, **blank)
    _set(s, HouseholdMember, HouseholdMember.client_id.in_(client_ids), name=ANONYMISED, birth_date=None)
    _set(s, AssessmentArea, AssessmentArea.case_id.in_(case_ids), situation=None, resources=None, needs=None)
    # A reason or final evaluation that existed stays "there" (the mandated-step rules check its presence).
    _set(s, Goal, Goal.case_id.in_(case_ids), title=ANONYMISED, obligations="", support="", responsible="",
         translation=None, status_reason=_present(Goal.status_reason), final_evaluation=_present(Goal.final_evaluation))
    _set(s, Contact, Contact.case_id.in_(case_ids), summary=None)
    _set(s, Note, Note.case_id.in_(case_ids), text=ANONYMISED)
    _set(s, ConsentRecord, ConsentRecord.case_id.in_(case_ids), note=None, withdrawal_note=None)
    _set(s, Reminder, Reminder.case_id.in_(case_ids), title=ANONYMISED)
    # Referrals stay for the figures (partner kind, outcome, dates); their free texts go. Appointments count for
    # nothing and may name a home visit: they go entirely.
    _set(s, Referral, Referral.case_id.in_(case_ids), reason=ANONYMISED, outcome_note=None)
    s.execute(delete(Appointment).where(Appointment.case_id.in_(case_ids)).execution_options(
        synchronize_session=False))
    _set(s, TargetAgreementDocument, TargetAgreementDocument.case_id.in_(case_ids), pdf=b"")
    _delete_document_files(uow, case_ids, store)
    keys = personal_keys(s)
    _scrub_json(s, CompletedTask, CompletedTask.data, (CompletedTask.id,), CompletedTask.case_id.in_(case_ids),
                keys, inside=True)
    # Every process of the cases: the journey and further processes keep form values in their workflows.
    processes = select(CaseProcess.id).where(CaseProcess.case_id.in_(case_ids))
    _scrub_json(s, WorkflowTask, WorkflowTask.payload, (WorkflowTask.process_id, WorkflowTask.task_id),
                WorkflowTask.process_id.in_(processes), keys)
    _scrub_json(s, WorkflowTaskArchive, WorkflowTaskArchive.payload,
                (WorkflowTaskArchive.process_id, WorkflowTaskArchive.task_id),
                WorkflowTaskArchive.process_id.in_(processes), keys)
    _scrub_json(s, WorkflowState, WorkflowState.header, (WorkflowState.process_id,),
                WorkflowState.case_id.in_(case_ids), keys)
    _set(s, CompletedTask, CompletedTask.case_id.in_(case_ids), note=None)
    events = s.execute(select(Event.id, Event.kind, Event.payload)
                       .where(Event.case_id.in_(case_ids), Event.kind != REDACTION).order_by(Event.id)).all()
    for event in events:
        cleaned = scrub_event(event.kind, event.payload or {})
        if cleaned != (event.payload or {}):
            redact_event_payload(uow, event.id, cleaned, REASON)
    now = uow.clock.now()
    _set(s, Case, Case.id.in_(case_ids), anonymised_at=now)
    for row in case_rows:
        record_event(uow, "case_anonymised", None, row.id, retention=retention,
                     closed_on=row.closed_on.isoformat() if row.closed_on else None)
    return case_ids


def _delete_document_files(uow, case_ids: list[str], store) -> None:
    """Documents lose their bytes, name and note; the row (category, dates) stays for the mandated-step rules."""
    s = uow.session
    in_dir = set(s.execute(select(CaseDocument.sha256).where(CaseDocument.case_id.in_(case_ids),
                                                             CaseDocument.storage == "dir")).scalars())
    _set(s, CaseDocument, CaseDocument.case_id.in_(case_ids), content=None, filename=ANONYMISED, note=None,
         sha256="", storage="deleted")
    if in_dir and store is not None:
        # Content-addressed: a file another (not anonymised) document still names stays.
        orphans = in_dir - set(s.execute(select(CaseDocument.sha256).where(CaseDocument.sha256.in_(in_dir)))
                               .scalars())
        uow.after_commit(lambda: store.discard(orphans))


def _present(column):
    """SQL: the column replaced by the marker where it holds text, left empty where it was empty."""
    return sql_case((func.trim(func.coalesce(column, "")) == "", column), else_=literal(ANONYMISED))


def _set(session, model, condition, **values) -> None:
    session.execute(update(model).where(condition).values(**values).execution_options(synchronize_session=False))


def _scrub_json(session, model, column, keys, condition, personal: frozenset[str], inside: bool = False) -> None:
    # Read the JSON of the batch, blank it in Python, write back the rows that changed with one executemany.
    table = model.__table__
    rows = session.execute(select(*keys, column).where(condition)).all()
    changed = []
    for row in rows:
        value = row[-1]
        cleaned = scrub(value, personal, inside=inside)
        if cleaned != value:
            changed.append({**{f"k_{k.key}": row[i] for i, k in enumerate(keys)}, "v": cleaned})
    if changed:
        stmt = update(table).where(*[table.c[k.key] == bindparam(f"k_{k.key}") for k in keys]) \
            .values({column.key: bindparam("v")})
        session.connection().execute(stmt, changed)
