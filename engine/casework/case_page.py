"""Everything the case page and task form show, read from case and projection tables only."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import defer

from engine.base import CASE_EDITORS, RESTRICTED_MESSAGE, Actor, read_only_refusal, read_only_until, readable_case
from engine.compliance import newest_rules_checksum, rules_by_document_category
from engine.db import (
    AssessmentArea,
    Case,
    CaseDocument,
    CompletedTask,
    Contact,
    Event,
    Goal,
    Municipality,
    Note,
    OpenTask,
    Organisation,
    ProcessDefinition,
    User,
    WorkflowState,
)
from engine.decisions import case_decisions
from engine.errors import NotFound
from engine.forms import FormError, ShownField, shown_fields
from engine.network import CaseNetwork, case_network

from .case_processes import STATUS_LABELS, ProcessView, processes_of
from .form_options import form_for

TIMELINE_LIMIT = 200


@dataclass
class ProcessPanel:
    """One process of the case on the case page: what it is, and its diagram's done and open steps."""

    process: ProcessView
    done_elements: list[str]
    current_elements: list[str]
    timer_error: str | None = None
    timer_error_at: object = None

    @property
    def status_label(self) -> str:
        """German status (läuft, abgeschlossen …)."""
        return STATUS_LABELS.get(self.process.status, self.process.status)


@dataclass
class FormEntry:
    """One completion of a form without a declared meaning: when, by whom, in which step, with what."""

    task_title: str
    completed_at: object
    completed_by: int | None
    fields: list[ShownField]


@dataclass
class FormSection:
    """The completions of one such form on the case page (newest first)."""

    form_key: str
    title: str
    entries: list[FormEntry] = field(default_factory=list)


@dataclass
class CaseView:
    """The case page's data."""

    case: Case
    municipality: str
    organisation: str
    responsible: str | None
    definition: ProcessDefinition
    goals: list[Goal]
    assessment: list[AssessmentArea]
    open_tasks: list[OpenTask]
    completed_tasks: list[CompletedTask]
    timeline: list[Event]
    contacts: list[Contact]
    notes: list[Note]
    users: dict[int, str] = field(default_factory=dict)

    visited: list[str] = field(default_factory=list)
    timer_error: str | None = None
    timer_error_at: object = None
    # Handover (issue 7): end of this organisation's read-only period, and the latest handover for its note.
    read_only_until: object = None
    last_handover: Event | None = None
    # The journey first, then every further process of the case, each with its diagram.
    processes: list[ProcessPanel] = field(default_factory=list)
    # Forms of steps without a declared meaning (a team lead's new steps): one section per form.
    form_sections: list[FormSection] = field(default_factory=list)
    # Documents (issue 18), newest first, and the mandated-step rules each category satisfies.
    documents: list[CaseDocument] = field(default_factory=list)
    document_rules: dict[str, list[str]] = field(default_factory=dict)

    @property
    def satisfied_rules(self) -> list[str]:
        """Titles of the mandated-step rules the case's documents satisfy (e.g. the signed agreement's scan)."""
        titles: list[str] = []
        for doc in self.documents:
            titles += [t for t in self.document_rules.get(doc.category, []) if t not in titles]
        return titles
    # Referrals to partners and appointments (issue 18).
    network: CaseNetwork | None = None
    # The latest evaluation of each decision table, explained ("Förderfähigkeit: Regel 3 der Tabelle … v2: …").
    decisions: list = field(default_factory=list)

    @property
    def done_elements(self) -> list[str]:
        """BPMN ids of completed steps (tasks, events, gateways), for the diagram."""
        return sorted(set(self.visited) | {t.task_spec for t in self.completed_tasks})

    @property
    def current_elements(self) -> list[str]:
        """BPMN ids of open steps, for the diagram."""
        return sorted({t.task_spec for t in self.open_tasks})


def _panel(process: ProcessView, state, view: CaseView) -> ProcessPanel:
    def mine(task) -> bool:
        # Rows from before several processes existed name no process: they are the journey's.
        return (task.process_id or view.case.id) == process.id

    visited = set(state.visited or []) if state else set()
    done = sorted(visited | {_element(t.task_spec) for t in view.completed_tasks if mine(t)})
    current = sorted({_element(t.task_spec) for t in view.open_tasks if mine(t)})
    error = state.timer_error if state is not None else None
    return ProcessPanel(process, done, current, error, state.timer_error_at if error else None)


def form_sections(uow, completed: list[CompletedTask]) -> list[FormSection]:
    """Completions of steps without a declared meaning, grouped by form, labelled by the form in force."""
    sections: dict[str, FormSection] = {}
    for task in completed:
        if task.step is not None or not task.form_key or not isinstance(task.data, dict):
            continue  # declared steps have their own sections (plan, assessment …); manual tasks carry no data
        try:
            form = uow.forms.get(task.form_key)
        except FormError:
            form = None  # the form was dropped later: show the raw keys
        section = sections.setdefault(task.form_key, FormSection(task.form_key, form.title if form else
                                                                 task.form_key))
        section.entries.append(FormEntry(task.title, task.completed_at, task.completed_by,
                                         shown_fields(form, task.data)))
    return sorted(sections.values(), key=lambda s: s.title)


def _element(task_spec: str) -> str:
    # SpiffWorkflow names the instances of a multi-instance task "<bpmn id> [child]"; the diagram knows the id.
    return task_spec.split(" [")[0]


def _all(uow, stmt):
    return list(uow.session.execute(stmt).scalars())


def case_view(uow, actor: Actor, case_id: str) -> CaseView:
    """Load the case page; a fixed number of indexed queries, bounded lists, no workflow deserialisation."""
    case = readable_case(uow, actor, case_id)
    s = uow.session
    municipality, organisation = s.execute(select(
        select(Municipality.name).where(Municipality.id == case.municipality_id).scalar_subquery(),
        select(Organisation.name).where(Organisation.id == case.organisation_id).scalar_subquery())).one()
    view = CaseView(
        case=case,
        municipality=municipality,
        organisation=organisation,
        responsible=None,
        # The page names the version; the BPMN text (tens of kB) is read only if a model must be parsed.
        definition=s.get(ProcessDefinition, case.definition_id, options=[defer(ProcessDefinition.bpmn_xml)]),
        goals=_all(uow, select(Goal).where(Goal.case_id == case.id).order_by(Goal.agreed_on, Goal.life_area)),
        assessment=_all(uow, select(AssessmentArea).where(AssessmentArea.case_id == case.id)
                        .order_by(AssessmentArea.id)),
        open_tasks=_all(uow, select(OpenTask).where(OpenTask.case_id == case.id).order_by(OpenTask.created_at)),
        completed_tasks=_all(uow, select(CompletedTask).where(CompletedTask.case_id == case.id)
                             .order_by(CompletedTask.completed_at.desc()).limit(TIMELINE_LIMIT)),
        timeline=_all(uow, select(Event).where(Event.case_id == case.id).order_by(Event.id.desc())
                      .limit(TIMELINE_LIMIT)),
        contacts=_all(uow, select(Contact).where(Contact.case_id == case.id)
                      .order_by(Contact.occurred_on.desc(), Contact.id.desc()).limit(TIMELINE_LIMIT)),
        notes=_all(uow, select(Note).where(Note.case_id == case.id).order_by(Note.id.desc()).limit(TIMELINE_LIMIT)),
    )
    # Only the columns the page shows: the serialized workflow headers stay unread.
    states = {row.process_id: row for row in s.execute(
        select(WorkflowState.process_id, WorkflowState.visited, WorkflowState.timer_error,
               WorkflowState.timer_error_at).where(WorkflowState.case_id == case.id))}
    view.processes = [_panel(process, states.get(process.id), view) for process in processes_of(s, case.id)]
    view.form_sections = form_sections(uow, view.completed_tasks)
    view.documents, view.document_rules = case_documents(uow, case.id)
    view.decisions = case_decisions(s, case.id)
    state = states.get(case.id)
    view.visited = list(state.visited or []) if state else []
    if state is not None and state.timer_error:
        view.timer_error, view.timer_error_at = state.timer_error, state.timer_error_at
    ids = {case.responsible_user_id} | {e.actor_id for e in view.timeline} | {t.assignee_id for t in view.open_tasks}
    ids |= {c.recorded_by for c in view.contacts} | {n.author_id for n in view.notes}
    ids |= {t.completed_by for t in view.completed_tasks} | {d.uploaded_by for d in view.documents}
    view.network = case_network(s, case, uow.clock.today())
    ids |= view.network.user_ids
    ids.discard(None)
    if ids:
        view.users = {uid: name for uid, name in s.execute(select(User.id, User.display_name).where(User.id.in_(ids)))}
    view.responsible = view.users.get(case.responsible_user_id)
    view.read_only_until = read_only_until(s, actor, case, uow.clock.now())
    view.last_handover = _last_handover(s, case.id, view.timeline)
    return view


def _last_handover(session, case_id: str, timeline: list[Event]) -> Event | None:
    """The case's latest handover: from the timeline (newest first) unless it may have been cut off before it."""
    found = next((e for e in timeline if e.kind == "case_handed_over"), None)
    if found is not None or len(timeline) < TIMELINE_LIMIT:
        return found
    return session.execute(select(Event).where(Event.case_id == case_id, Event.kind == "case_handed_over")
                           .order_by(Event.id.desc()).limit(1)).scalar_one_or_none()


def case_documents(uow, case_id: str) -> tuple[list[CaseDocument], dict[str, list[str]]]:
    """The case's documents (without their bytes) and the rules their categories satisfy: one statement."""
    rows = uow.session.execute(select(CaseDocument, newest_rules_checksum()).where(CaseDocument.case_id == case_id)
                               .order_by(CaseDocument.uploaded_at.desc(), CaseDocument.id.desc())
                               .limit(TIMELINE_LIMIT)).all()
    documents = [row[0] for row in rows]
    return documents, rules_by_document_category(uow.session, rows[0][1] if rows else None)


@dataclass
class TaskForm:
    """A task's form with prefilled values and the case version it was opened at."""

    case: Case
    task: OpenTask
    form: object
    values: dict
    version: int
    # Why this person may look at the form but not complete it (None: they may complete it).
    view_only: str | None = None


def task_form(uow, actor: Actor, case_id: str, task_id: str) -> TaskForm:
    """Form, task and prefill for completing a task (prefill from case tables, not the workflow)."""
    case = readable_case(uow, actor, case_id)
    task = uow.session.get(OpenTask, task_id) if task_id and len(task_id) <= 36 else None
    if task is None or task.case_id != case.id:
        done = uow.session.get(CompletedTask, task_id) if task_id and len(task_id) <= 36 else None
        if done is not None and done.case_id == case.id:
            who = uow.session.get(User, done.completed_by)
            raise NotFound(f"Diese Aufgabe wurde bereits von {who.display_name if who else 'jemand anderem'} "
                           "erledigt.")
        raise NotFound("Die Aufgabe wurde nicht gefunden.")
    form = form_for(uow, task.form_key, case)
    return TaskForm(case, task, form, prefill(uow, case, task.step), case.version,
                    _view_only(uow, actor, case, task))


def _view_only(uow, actor: Actor, case: Case, task: OpenTask) -> str | None:
    """The reason a readable task cannot be completed by this person (the page then shows it, not a button)."""
    if actor.role not in CASE_EDITORS:
        return "Ihre Rolle kann diese Aufgabe ansehen, aber nicht erledigen."
    until = read_only_until(uow.session, actor, case, uow.clock.now())
    if until is not None:
        return read_only_refusal(until)
    if case.processing_restricted and task.step != "closure":
        return RESTRICTED_MESSAGE
    return None


def prefill(uow, case: Case, step: str | None) -> dict:
    """Starting values by the task's declared step: today's dates, the current goals for reviews and closure."""
    today = uow.clock.today().isoformat()
    goals = _all(uow, select(Goal).where(Goal.case_id == case.id).order_by(Goal.agreed_on, Goal.life_area))
    if step == "consent":
        return {"consent_date": today}
    if step == "assessment":
        return {"assessment_date": today}
    if step == "target_agreement":
        return {"plan_date": today, "signature_date": today}
    if step == "review":
        return {"review_date": today, "goals": [
            {"goal_id": g.id, "life_area": g.life_area, "title": g.title, "status": g.status,
             "status_reason": g.status_reason or "", "due_date": _iso(g.due_date)}
            for g in goals if g.status not in ("achieved", "dropped")]}
    if step == "closure":
        return {"closure_date": today, "final_goals": [
            {"goal_id": g.id, "title": g.title, "final_status": g.status if g.status != "open" else ""}
            for g in goals]}
    return {}


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def definition_xml(uow, actor: Actor, definition_id: int) -> str:
    """BPMN XML of a deployed definition (for the diagram viewer)."""
    definition = uow.session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound("Die Prozessdefinition wurde nicht gefunden.")
    return definition.bpmn_xml


__all__ = ["CaseView", "case_documents", "case_view", "TaskForm", "task_form", "prefill", "definition_xml"]
