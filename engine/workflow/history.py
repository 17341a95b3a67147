"""Keeping a live workflow small: finished history that no open task depends on moves to an archive.

SpiffWorkflow walks the whole task tree on every step (waiting-task refresh, joins, task queries), so a
case looping through reviews for years would get slower with each round. Everything above the deepest
common ancestor of the unfinished tasks is finished and unreachable for the engine; we cut it off, keep
its serialized form in the archive table, and the live tree stays the size of one loop iteration.
"""
from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

# Cut only when this many tasks can go: amortises the archive write over several completions.
MIN_BATCH = 8


def _ancestry(task) -> list[UUID]:
    chain = []
    while task is not None:
        chain.append(task.id)
        task = task.parent
    chain.reverse()
    return chain


def prune_history(workflow: BpmnWorkflow, registry, min_batch: int = MIN_BATCH) -> dict[str, dict]:
    """Detach finished history; returns serialized payloads of the removed tasks (id -> payload)."""
    if workflow.subprocesses:
        return {}  # subprocess bookkeeping refers to parent tasks; such cases are rare, keep them whole
    unfinished = [t for t in workflow.tasks.values() if not t._state & TaskState.FINISHED_MASK]
    if not unfinished:
        return {}
    common = _ancestry(unfinished[0])
    for task in unfinished[1:]:
        chain = _ancestry(task)
        depth = 0
        while depth < min(len(common), len(chain)) and common[depth] == chain[depth]:
            depth += 1
        common = common[:depth]
    # The new root must be finished: a waiting or ready task reads its parent's data when it runs.
    while common and not workflow.tasks[common[-1]]._state & TaskState.FINISHED_MASK:
        common.pop()
    if len(common) < 2:
        return {}
    new_root = workflow.tasks[common[-1]]
    keep, pending = set(), [new_root]
    while pending:
        task = pending.pop()
        keep.add(task.id)
        pending.extend(task.children)
    doomed = [task_id for task_id in workflow.tasks if task_id not in keep]
    if len(doomed) < min_batch:
        return {}
    # Serialize while parents are still present, so archived payloads keep their compact delta form.
    archived = {str(task_id): registry.convert(workflow.tasks[task_id]) for task_id in doomed}
    new_root.data = dict(new_root.data)
    for task_id in doomed:
        del workflow.tasks[task_id]
    new_root._parent = None
    workflow.task_tree = new_root
    if workflow.last_task is not None and workflow.last_task.id not in keep:
        workflow.last_task = new_root
    return archived
