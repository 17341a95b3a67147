"""Moving a running workflow to another version of its process, and resetting it to an earlier user task.

SpiffWorkflow's `SpecDiff` aligns the two specs by element id and lists changed and removed elements; a case may
move only if none of the elements it has already reached (completed, open or waiting) changed: only steps not yet
started may differ. The spec diff is computed once per version pair (`spec_changes`, cached by the caller); the
per-case check is then a set intersection over the elements the case reached (`blockers`), which the preview can
do from stored columns without deserializing the workflow.
"""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn.specs.defaults import UserTask
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .model import ProcessModel

DONE, OPEN, WAITING = "done", "open", "waiting"
# States in which a task has already happened or is happening; predicted tasks (FUTURE, LIKELY, MAYBE) may change.
_REACHED = {TaskState.COMPLETED: DONE, TaskState.CANCELLED: DONE, TaskState.READY: OPEN, TaskState.STARTED: OPEN,
            TaskState.ERROR: OPEN, TaskState.WAITING: WAITING}
_RANK = {DONE: 0, WAITING: 1, OPEN: 2}
_VERBS = {DONE: "ist bereits erledigt", OPEN: "ist bereits offen", WAITING: "wartet bereits"}


class MigrationRefused(ValueError):
    """The workflow cannot move to the other version; `reasons` are German sentences."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class ResetRefused(ValueError):
    """The workflow cannot be reset to the requested task."""


@dataclass(frozen=True)
class SpecChanges:
    """What differs between two versions, by element id (only elements that carry a BPMN id)."""

    changed: frozenset[str]
    removed: frozenset[str]
    added: frozenset[str]

    @property
    def affected(self) -> frozenset[str]:
        """Elements a case must not have reached yet."""
        return self.changed | self.removed


def spec_changes(registry, old: ProcessModel, new: ProcessModel) -> SpecChanges:
    """Diff two parsed versions once (SpiffWorkflow's SpecDiff); engine plumbing without a BPMN id is ignored."""
    diff = SpecDiff(registry, old.spec, new.spec)
    return SpecChanges(changed=frozenset(s.name for s in diff.changed if s.bpmn_id),
                       removed=frozenset(s.name for s in diff.removed if s.bpmn_id),
                       added=frozenset(s.name for s in diff.added if s.bpmn_id))


def reached_from_rows(visited, rows) -> dict[str, str]:
    """Reached elements from stored columns: visited ids (done) plus (spec name, state) of live task rows."""
    reached = {element: DONE for element in (visited or ())}
    for name, state in rows:
        kind = _REACHED.get(int(state)) if state is not None else None
        # A step done in an earlier round and open again now is reported as open (the more telling reason).
        if kind is not None and _RANK[kind] >= _RANK.get(reached.get(name), -1):
            reached[name] = kind
    return reached


def reached_in(workflow) -> dict[str, str]:
    """Reached elements of a live workflow (including history pruned into the archive, via `_ifl_visited`)."""
    rows = [(t.task_spec.name, t.state) for t in workflow.tasks.values()]
    return reached_from_rows(getattr(workflow, "_ifl_visited", ()), rows)


def blockers(changes: SpecChanges, reached: dict[str, str], old: ProcessModel, allow: frozenset[str] = frozenset()
             ) -> list[str]:
    """German reasons why a case that reached these elements cannot move (empty: it can)."""
    reasons = []
    for element in sorted(changes.affected & reached.keys() - allow):
        kind = reached[element]
        noun = "Aufgabe" if element in old.user_tasks else "Schritt"
        title = old.element_names.get(element, element)
        what = "entfernt" if element in changes.removed else "geändert"
        reasons.append(f"{noun} „{title}“ {_VERBS[kind]} und wurde in der neuen Version {what}.")
    return reasons


def migrate(registry, workflow, old: ProcessModel, new: ProcessModel, allow: frozenset[str] = frozenset()) -> None:
    """Check (on the live workflow, never trusting a preview) and move the workflow onto the new version's spec."""
    changes = spec_changes(registry, old, new)
    reasons = blockers(changes, reached_in(workflow), old, allow)
    if reasons:
        raise MigrationRefused(reasons)
    diff = WorkflowDiff(workflow, SpecDiff(registry, old.spec, new.spec))
    try:
        migrate_workflow(diff, workflow, new.spec)
    except (SpiffWorkflowException, KeyError, ValueError, TypeError) as exc:
        raise MigrationRefused([f"Der Prozesszustand ließ sich nicht übertragen: {exc}"]) from exc
    workflow.subprocess_specs = new.subprocess_specs
    leftovers = {t.task_spec.name for t in workflow.tasks.values()
                 if new.spec.task_specs.get(t.task_spec.name) is not t.task_spec}
    if leftovers:
        raise MigrationRefused([f"Schritte ohne Entsprechung in der neuen Version: {', '.join(sorted(leftovers))}."])
    mark_all_changed(workflow)


def mark_all_changed(workflow) -> None:
    """Make the next snapshot rewrite every live task row (their spec references changed)."""
    saved = getattr(workflow, "_ifl_saved", {})
    workflow._ifl_saved = {task_id: ("migrated",) for task_id in saved}


@dataclass(frozen=True)
class ResetTarget:
    """A completed user task of the live workflow the case can be reset to."""

    task_id: str
    spec_name: str
    title: str


def reset_targets(workflow, model: ProcessModel) -> list[ResetTarget]:
    """Completed user tasks still in the live workflow (archived history cannot be re-entered), newest first."""
    tasks = [t for t in workflow.tasks.values()
             if t.state == TaskState.COMPLETED and isinstance(t.task_spec, UserTask)]
    tasks.sort(key=lambda t: t.last_state_change, reverse=True)
    return [ResetTarget(str(t.id), t.task_spec.name, model.user_tasks[t.task_spec.name].title)
            for t in tasks if t.task_spec.name in model.user_tasks]


def reset_to(workflow, task_id: str, refuse: set[str] | frozenset[str] = frozenset()) -> str:
    """Reopen a completed user task (not one of `refuse`): its successors are dropped and repredicted; returns the
    task's spec name."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TypeError, SpiffWorkflowException):
        task = None
    if (task is None or task.state != TaskState.COMPLETED or not isinstance(task.task_spec, UserTask)
            or task.task_spec.name in refuse):
        raise ResetRefused("Auf diese Aufgabe kann der Fall nicht zurückgesetzt werden.")
    workflow.reset_from_task_id(task.id)
    workflow.completed = False
    _give_new_id(workflow, task)
    return task.task_spec.name


def _give_new_id(workflow, task) -> None:
    """The reopened task gets a fresh id: its earlier completion stays in the history under the old one."""
    old, new = task.id, uuid4()
    del workflow.tasks[old]
    task.id = new
    workflow.tasks[new] = task
    if task.parent is not None:
        task.parent._children = [new if child == old else child for child in task.parent._children]
    for child in task.children:
        child._parent = new
