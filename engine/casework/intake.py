"""Intake: a new client and case, responsible caseworker assigned, journey started; the journey's decision table
decides eligibility (engine.decisions records the evaluation), and the case keeps its outcome."""
from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError

from engine.base import (
    ANY_WEBHOOK,
    DISTRICT_WIDE,
    HEAD_HASH,
    HEAD_SEQ,
    Actor,
    expect_head,
    journey_definition_id,
    load_deadlines,
    model_by_id,
    record_event,
    require_editor,
)
from engine.db import (
    Case,
    CaseProcess,
    Client,
    CompletedTask,
    HouseholdMember,
    Municipality,
    OpenTask,
    User,
    UserMunicipality,
)
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.forms import parse_submission
from engine.workflow import ScriptFailure

from .form_options import form_for, form_version
from .workflow_steps import persist, step_failure

# The minimum stored before consent: identification, accommodation and what eligibility needs.
CLIENT_FIELDS = ("first_name", "last_name", "gender", "nationality", "languages", "interpreter_needed",
                 "interpreter_language", "phone", "email", "accommodation_address", "residence_status",
                 "residence_status_evidence")
DATE_FIELDS = ("birth_date", "au_since", "counselling_start")


_MUNICIPALITY_AND_HEAD = select(Municipality, HEAD_SEQ, HEAD_HASH, ANY_WEBHOOK).where(
    Municipality.id == bindparam("id"))


def open_case(uow, raw, actor: Actor) -> str:
    """Validate the intake form, create client and case, start the journey; returns the new case id."""
    with uow:
        require_editor(actor)
        definition_id = journey_definition_id(uow.session)
        model = model_by_id(uow, definition_id)
        form = form_for(uow, _intake_form_key(model), actor=actor)
        result = parse_submission(form, raw, uow.clock.today())
        if not result.ok:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", result.errors, result.values)
        data = result.data
        too_long = _column_overflows(data)
        if too_long:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", too_long, result.values)
        # With the municipality, the event chain's head: the commit then moves it with one guarded UPDATE instead of
        # reading it under its lock and looking up webhook endpoints (engine.base.event_chain.expect_head).
        municipality, *head = uow.session.execute(_MUNICIPALITY_AND_HEAD,
                                                  {"id": int(data["municipality_id"])}).first() or (None,)
        if head:
            expect_head(uow.session, *head)
        if municipality is None or (actor.role not in DISTRICT_WIDE
                                    and municipality.organisation_id != actor.organisation_id):
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"municipality_id": "Für diese Kommune sind Sie nicht zuständig."}, result.values)
        try:
            case_id = _create(uow, data, municipality, actor, definition_id, model)
        except ScriptFailure as exc:
            # No case exists yet to put on the repair list: the person sees why, and nothing is kept.
            raise step_failure(exc) from exc
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("Der Fall konnte nicht angelegt werden, weil gleichzeitig ein anderer Fall angelegt "
                           "wurde. Bitte erneut absenden.") from exc
        return case_id


def _column_overflows(data: dict) -> dict[str, str]:
    """Field errors for texts longer than their database column (a form edited without a maximum length)."""
    errors = {}
    for key in CLIENT_FIELDS:
        limit = getattr(Client.__table__.c[key].type, "length", None)
        if isinstance(data.get(key), str) and limit and len(data[key]) > limit:
            errors[key] = f"Bitte geben Sie höchstens {limit} Zeichen ein."
    limit = HouseholdMember.__table__.c["name"].type.length
    for i, member in enumerate(data.get("household") or []):
        if len(member.get("name") or "") > limit:
            errors[f"household-{i}-name"] = f"Bitte geben Sie höchstens {limit} Zeichen ein."
    return errors


def intake_form_key(uow) -> str | None:
    """The form of the journey's intake step (what "Neuer Fall" shows and validates)."""
    return _intake_form_key(model_by_id(uow, journey_definition_id(uow.session)))


def _intake_form_key(model) -> str | None:
    return next((info.form_key for info in model.user_tasks.values() if info.step == "intake"), None)


def _create(uow, data: dict, municipality: Municipality, actor: Actor, definition_id: int, model) -> str:
    today = uow.clock.today()
    deadlines = load_deadlines(uow.session)
    client = Client(**{k: data.get(k) for k in CLIENT_FIELDS},
                    **{k: _date(data.get(k)) for k in DATE_FIELDS})
    client.interpreter_needed = bool(data.get("interpreter_needed"))
    client.household = [HouseholdMember(name=m["name"], relation=m.get("relation"),
                                        birth_date=_date(m.get("birth_date")))
                        for m in data.get("household") or [] if m.get("name")]
    uow.session.add(client)
    responsible = _responsible_caseworker(uow, actor, municipality)
    now = uow.clock.now()
    case = Case(reference=_next_reference(uow, today), client=client, municipality_id=municipality.id,
                organisation_id=municipality.organisation_id, responsible_user_id=responsible,
                definition_id=definition_id, status="open", phase="intake", intake_date=today,
                eligible=False, eligibility_reason="", opened_at=now, updated_at=now, version=1)
    uow.session.add(case)
    uow.session.flush()
    # The journey's process has the case's id (engine.casework.workflow_steps.journey_of).
    uow.session.add(CaseProcess(id=case.id, case_id=case.id, definition_id=definition_id, kind="journey",
                                status="running", started_at=now, started_by=actor.id))
    uow.session.flush()
    workflow = uow.runtime.start(model, {"deadlines": deadlines, "intake_date": today.isoformat(),
                                         "case_reference": case.reference})
    intake_task = next((t for t in uow.runtime.ready_user_tasks(model, workflow) if t.step == "intake"), None)
    if intake_task is None:
        # The deploy gate refuses such a journey; a version deployed before the gate existed ends up here.
        raise Conflict("Der bereitgestellte Begleitprozess beginnt nicht mit einer Erstaufnahme. Bitte wenden Sie "
                       "sich an die Teamleitung (Prozesse).")
    # Intake is the journey's first BPMN step: it is completed here; the eligibility table runs right after it.
    uow.runtime.complete(workflow, intake_task.id, {k: v for k, v in data.items() if k != "household"})
    _keep_eligibility(case, uow.runtime.data(workflow))
    uow.session.add(CompletedTask(id=intake_task.id, case_id=case.id, process_id=case.id,
                                  task_spec=intake_task.spec_name, title=intake_task.title,
                                  form_key=intake_task.form_key, step="intake", completed_by=actor.id,
                                  completed_at=now, due_on=None, data=dict(data)))
    record_event(uow, "case_opened", actor.id, case.id, reference=case.reference, municipality=municipality.name,
                 responsible_user_id=responsible)
    record_event(uow, "task_completed", actor.id, case.id, task_id=intake_task.id, task=intake_task.spec_name,
                 title=intake_task.title, form=intake_task.form_key,
                 form_version=form_version(uow, intake_task.form_key))
    record_event(uow, "eligibility_checked", actor.id, case.id, eligible=case.eligible,
                 reason=case.eligibility_reason, residence_status=client.residence_status,
                 evidence=client.residence_status_evidence)
    # Last: saving the workflow also records the table's evaluation (decision_evaluated) after the summary above.
    persist(uow, case, model, workflow, is_new=True)
    return case.id


def _keep_eligibility(case: Case, values: dict) -> None:
    """The case keeps what the journey's eligibility table decided (its outputs are engine-known names)."""
    case.eligible = values.get("eligible") is True
    case.eligibility_reason = str(values.get("eligibility_reason") or
                                  "Der Begleitprozess hat keine Förderfähigkeit ermittelt.")[:2000]
    end = values.get("counselling_end")
    case.counselling_end = _date(end) if isinstance(end, str) else None


def _responsible_caseworker(uow, actor: Actor, municipality: Municipality) -> int | None:
    """The actor if they are a caseworker; otherwise the municipality's caseworker with the fewest open tasks."""
    if actor.role == "caseworker":
        return actor.id
    load = (select(func.count(OpenTask.id)).where(OpenTask.assignee_id == User.id).scalar_subquery())
    row = uow.session.execute(
        select(User.id).join(UserMunicipality, UserMunicipality.user_id == User.id)
        .where(UserMunicipality.municipality_id == municipality.id, User.role == "caseworker",
               User.active.is_(True), User.organisation_id == municipality.organisation_id)
        .order_by(load, User.id).limit(1)).scalar_one_or_none()
    if row is None and actor.role == "supervisor":
        raise Forbidden("Für diese Kommune ist keine Integrationsmanagerin / kein Integrationsmanager hinterlegt.")
    return row


# Key of the PostgreSQL advisory lock that serializes numbering (SQLite writers are serialized anyway).
_REFERENCE_LOCK = 0x1F0A_0001


def _next_reference(uow, today: date) -> str:
    prefix = f"{today.year}-"
    if uow.session.get_bind().dialect.name == "postgresql":
        # Two intakes at once would otherwise both read the same last number (held until commit).
        uow.session.execute(select(func.pg_advisory_xact_lock(_REFERENCE_LOCK)))
    # Longest first: "2026-10000" sorts before "2026-9999" as text.
    last = uow.session.execute(select(Case.reference).where(Case.reference.like(f"{prefix}%"))
                               .order_by(func.length(Case.reference).desc(), Case.reference.desc()).limit(1)).scalar()
    number = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else value or None
