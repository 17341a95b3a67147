"""Impact preview: which running instances of a process can move to another version, and why not.

An instance is a case's journey or one of its further processes (`case_process`). Reads stored columns only (no
workflow is deserialized): the spec diff is computed once per version pair, each instance's reached elements come
from `workflow_state.visited` and the spec name and state of its live task rows, and instances with the same
(version, reached elements) share one check.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from engine.base import Actor, model_by_id, model_for, pinned_decision_documents, scope_cases
from engine.db import Case, CaseProcess, Client, DefinitionDraft, ProcessDefinition, WorkflowState, WorkflowTask
from engine.decisions import pinned_decisions
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.workflow import DefinitionError, blockers, parse_model, reached_from_rows, spec_changes

MIGRATORS = frozenset({"supervisor", "admin"})
_TASKS = WorkflowTask.__table__
_PREDICTED = (1, 2, 4)  # TaskState MAYBE, LIKELY, FUTURE: not started, free to change


def require_migrator(actor: Actor) -> None:
    """Only supervisors (own organisation) and admins move cases between process versions."""
    if actor.role not in MIGRATORS:
        raise Forbidden("Nur Teamleitung und Administration können Fälle migrieren oder reparieren.")


@dataclass
class PreviewRow:
    """One running instance (of a case) on an older version and whether it can move."""

    case_id: str
    reference: str
    client_name: str
    case_version: int
    version: int
    steps: list[str]
    reasons: list[str]
    process_id: str = ""

    def __post_init__(self):
        self.process_id = self.process_id or self.case_id  # the journey's process is the case
    @property
    def migratable(self) -> bool:
        """True when no step the case already reached differs in the target version."""
        return not self.reasons


@dataclass(frozen=True)
class DraftTarget:
    """The working draft as the target of a preview: the version it would get once deployed (no id yet)."""

    version: int
    name: str
    id: None = None
    comment: str = "Entwurf"


@dataclass
class Preview:
    """The impact of moving a definition's running cases to a target version."""

    key: str
    name: str
    target: ProcessDefinition | DraftTarget
    versions: list[ProcessDefinition]
    rows: list[PreviewRow] = field(default_factory=list)
    counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # version -> (migratable, blocked)
    groups: int = 0

    @property
    def migratable_ids(self) -> list[str]:
        """Every instance of the preview that can move (for "alle migrierbaren auswählen"): process ids."""
        return [r.process_id for r in self.rows if r.migratable]


def definitions_of(uow, key: str) -> list[ProcessDefinition]:
    """Every version of a process definition, oldest first."""
    found = list(uow.session.execute(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                     .order_by(ProcessDefinition.version)).scalars())
    if not found:
        raise NotFound(f"Die Prozessdefinition „{key}“ gibt es nicht.")
    return found


def target_version(versions: list[ProcessDefinition], version: int | None) -> ProcessDefinition:
    """The requested version (default: the newest)."""
    if version is None:
        return versions[-1]
    target = next((d for d in versions if d.version == version), None)
    if target is None:
        raise NotFound(f"Version {version} dieser Prozessdefinition gibt es nicht.")
    return target


def migration_preview(uow, actor: Actor, key: str, to_version: int | None = None,
                      case_ids: list[str] | None = None, draft: bool = False) -> Preview:
    """Every running case of `key` on an older version than the target, with migratable yes/no and reasons.

    With `draft`, the target is the working draft (before deploying it): every running case is checked against it.
    Cases are grouped by (version, reached elements): the spec diff is computed once per version pair and the
    check once per group, from the stored visited list and task states; no workflow is deserialized.
    """
    require_migrator(actor)
    versions = definitions_of(uow, key)
    if draft:
        target, target_model = _draft_target(uow, key, versions[-1].version + 1)
    else:
        target = target_version(versions, to_version)
        target_model = None
    older = {d.id: d for d in versions if d.version < target.version}
    preview = Preview(key, target.name, target, versions)
    if not older:
        return preview
    conditions = [CaseProcess.definition_id.in_(older), CaseProcess.status == "running", Case.status == "open",
                  WorkflowState.completed.is_(False)]
    if case_ids is not None:
        conditions.append(CaseProcess.id.in_(case_ids))  # process ids (a journey's is its case's id)
    cases = uow.session.execute(scope_cases(
        select(Case.id, CaseProcess.id.label("process_id"), Case.reference, Case.version,
               CaseProcess.definition_id, WorkflowState.visited, Client.first_name, Client.last_name)
        .select_from(CaseProcess).join(Case, Case.id == CaseProcess.case_id)
        .join(WorkflowState, WorkflowState.process_id == CaseProcess.id).join(Client, Client.id == Case.client_id)
        .where(*conditions).order_by(Case.reference, CaseProcess.started_at), actor)).all()
    spec_name, state = _TASKS.c.payload["task_spec"].as_string(), _TASKS.c.payload["state"].as_integer()
    reached_rows: dict[str, list] = {}
    task_query = scope_cases(select(_TASKS.c.process_id, spec_name, state)
                             .join(CaseProcess, CaseProcess.id == _TASKS.c.process_id)
                             .join(Case, Case.id == CaseProcess.case_id)
                             .join(WorkflowState, WorkflowState.process_id == CaseProcess.id)
                             .where(*conditions, state.not_in(_PREDICTED)), actor)
    for process_id, name, task_state in uow.session.execute(task_query):
        reached_rows.setdefault(process_id, []).append((name, task_state))
    target_model = target_model or model_for(uow, target)
    diffs, checked = {}, {}
    for row in cases:
        reached = reached_from_rows(row.visited, reached_rows.get(row.process_id, ()))
        signature = (row.definition_id, frozenset(reached.items()))
        if signature not in checked:
            old_model = model_by_id(uow, row.definition_id)
            if row.definition_id not in diffs:
                diffs[row.definition_id] = spec_changes(uow.runtime.codec.registry, old_model, target_model)
            current = sorted(old_model.element_names.get(e, e) for e, kind in reached.items() if kind != "done")
            checked[signature] = (blockers(diffs[row.definition_id], reached, old_model), current)
        reasons, steps = checked[signature]
        definition = older[row.definition_id]
        preview.rows.append(PreviewRow(row.id, row.reference, f"{row.last_name}, {row.first_name}", row.version,
                                       definition.version, steps, reasons, row.process_id))
        can, cannot = preview.counts.get(definition.version, (0, 0))
        preview.counts[definition.version] = (can + 1, cannot) if not reasons else (can, cannot + 1)
    preview.groups = len(checked)
    return preview


def _draft_target(uow, key: str, version: int):
    """The working draft of `key` parsed as a preview target, or a German refusal if there is none or it cannot run."""
    draft = uow.session.get(DefinitionDraft, key)
    if draft is None:
        raise NotFound("Für diesen Prozess gibt es keinen Entwurf. Die Vorschau zeigt dann die bereitgestellten "
                       "Versionen.")
    try:
        # The draft would be deployed with the newest version of each table it uses.
        tables = pinned_decision_documents(uow.session, pinned_decisions(uow.session, draft.bpmn_xml))
        model = parse_model(draft.bpmn_xml, decisions=tables)
    except DefinitionError as exc:
        raise InvalidInput("Der Entwurf ist nicht lauffähig; bitte erst im Editor prüfen und korrigieren: "
                           f"{exc}") from None
    return DraftTarget(version, model.name), model
