"""Impact preview: which running cases of a process can move to another version, and why not.

Reads stored columns only (no workflow is deserialized): the spec diff is computed once per version pair, each
case's reached elements come from `workflow_state.visited` and the spec name and state of its live task rows, and
cases with the same (version, reached elements) share one check.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from engine.db import Case, Client, ProcessDefinition, WorkflowState, WorkflowTask
from engine.errors import Forbidden, NotFound
from engine.workflow.migration import blockers, reached_from_rows, spec_changes

from .access import Actor, scope_cases
from .definitions import model_by_id, model_for

MIGRATORS = frozenset({"supervisor", "admin"})
_TASKS = WorkflowTask.__table__
_PREDICTED = (1, 2, 4)  # TaskState MAYBE, LIKELY, FUTURE: not started, free to change


def require_migrator(actor: Actor) -> None:
    """Only supervisors (own organisation) and admins move cases between process versions."""
    if actor.role not in MIGRATORS:
        raise Forbidden("Nur Teamleitung und Administration können Fälle migrieren oder reparieren.")


@dataclass
class PreviewRow:
    """One running case on an older version and whether it can move."""

    case_id: str
    reference: str
    client_name: str
    case_version: int
    version: int
    steps: list[str]
    reasons: list[str]

    @property
    def migratable(self) -> bool:
        """True when no step the case already reached differs in the target version."""
        return not self.reasons


@dataclass
class Preview:
    """The impact of moving a definition's running cases to a target version."""

    key: str
    name: str
    target: ProcessDefinition
    versions: list[ProcessDefinition]
    rows: list[PreviewRow] = field(default_factory=list)
    counts: dict[int, tuple[int, int]] = field(default_factory=dict)  # version -> (migratable, blocked)
    groups: int = 0

    @property
    def migratable_ids(self) -> list[str]:
        """Every case of the preview that can move (for "alle migrierbaren auswählen")."""
        return [r.case_id for r in self.rows if r.migratable]


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
                      case_ids: list[str] | None = None) -> Preview:
    """Every running case of `key` on an older version than the target, with migratable yes/no and reasons.

    Cases are grouped by (version, reached elements): the spec diff is computed once per version pair and the
    check once per group, from the stored visited list and task states; no workflow is deserialized.
    """
    require_migrator(actor)
    versions = definitions_of(uow, key)
    target = target_version(versions, to_version)
    older = {d.id: d for d in versions if d.version < target.version}
    preview = Preview(key, target.name, target, versions)
    if not older:
        return preview
    conditions = [Case.definition_id.in_(older), Case.status == "open", WorkflowState.completed.is_(False)]
    if case_ids is not None:
        conditions.append(Case.id.in_(case_ids))
    cases = uow.session.execute(scope_cases(
        select(Case.id, Case.reference, Case.version, Case.definition_id, WorkflowState.visited, Client.first_name,
               Client.last_name)
        .join(WorkflowState, WorkflowState.case_id == Case.id).join(Client, Client.id == Case.client_id)
        .where(*conditions).order_by(Case.reference), actor)).all()
    spec_name, state = _TASKS.c.payload["task_spec"].as_string(), _TASKS.c.payload["state"].as_integer()
    reached_rows: dict[str, list] = {}
    task_query = scope_cases(select(_TASKS.c.case_id, spec_name, state).join(Case, Case.id == _TASKS.c.case_id)
                             .join(WorkflowState, WorkflowState.case_id == Case.id)
                             .where(*conditions, state.not_in(_PREDICTED)), actor)
    for case_id, name, task_state in uow.session.execute(task_query):
        reached_rows.setdefault(case_id, []).append((name, task_state))
    target_model = model_for(uow, target)
    diffs, checked = {}, {}
    for row in cases:
        reached = reached_from_rows(row.visited, reached_rows.get(row.id, ()))
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
                                       definition.version, steps, reasons))
        can, cannot = preview.counts.get(definition.version, (0, 0))
        preview.counts[definition.version] = (can + 1, cannot) if not reasons else (can, cannot + 1)
    preview.groups = len(checked)
    return preview
