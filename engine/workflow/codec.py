"""Serialized form of a BpmnWorkflow split into a small header and one payload per task.

SpiffWorkflow's serializer writes the whole workflow (spec included) every time, so a case with a long
history costs more on every save. We keep the spec out (it is cached per deployed definition) and write
only the tasks that changed since the workflow was loaded: finished tasks never change again.
"""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_SERIALIZER_VERSION
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.camunda.specs import BusinessRuleTask as CamundaBusinessRuleTask
from SpiffWorkflow.util.task import TaskState

from .decisions import RecordingRuleTaskConverter
from .history import prune_history
from .timers import CLOCKED

# Our own format version on top of SpiffWorkflow's; bump it (and add a migration) when the split changes.
FORMAT_VERSION = f"ifl1/spiff{SPIFF_SERIALIZER_VERSION}"
_FINISHED = TaskState.FINISHED_MASK
# Tasks that can change data without changing state; they are few, so they are always written.
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass
class Snapshot:
    """What has to be written: the header, changed task payloads and ids of tasks that disappeared."""

    header: dict
    changed: dict[str, dict]
    inserted: set[str]
    removed: set[str]
    archived: dict[str, dict]


class WorkflowCodec:
    """Converts workflows to header + task payloads and back, tracking what was saved last."""

    def __init__(self):
        config = dict(CAMUNDA_CONFIG)
        config[CamundaBusinessRuleTask] = RecordingRuleTaskConverter
        for base, clocked in CLOCKED.items():
            config[clocked] = CAMUNDA_CONFIG[base]
        self.registry = BpmnWorkflowSerializer.configure(config)
        self.serializer = BpmnWorkflowSerializer(self.registry)

    def snapshot(self, workflow: BpmnWorkflow) -> Snapshot:
        """Compute the delta since the last snapshot/restore of this workflow object (pruning history first)."""
        archived = prune_history(workflow, self.registry)
        saved: dict[UUID, tuple] = getattr(workflow, "_ifl_saved", {})
        current: dict[UUID, tuple] = {}
        changed: dict[str, dict] = {}
        inserted: set[str] = set()
        for task_id, task in workflow.tasks.items():
            fingerprint = _fingerprint(task)
            current[task_id] = fingerprint
            if saved.get(task_id) != fingerprint or task._state & _ACTIVE:
                changed[str(task_id)] = self.registry.convert(task)
                if task_id not in saved:
                    inserted.add(str(task_id))
        removed = {str(t) for t in saved.keys() - current.keys()} - archived.keys()
        # Archived tasks that were saved before must leave the live table; the others were never written.
        archived_saved = {str(t) for t in saved.keys() - current.keys()} & archived.keys()
        workflow._ifl_saved = current
        return Snapshot(self._header(workflow), changed, inserted, removed | archived_saved, archived)

    def _header(self, workflow: BpmnWorkflow) -> dict:
        convert = self.registry.convert
        return {
            "data": convert(self.registry.clean(workflow.data)),
            "correlations": workflow.correlations,
            "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
            "success": workflow.success,
            "completed": workflow.completed,
            "root": str(workflow.task_tree.id),
            # Subprocesses are rare in our definitions; they are stored whole.
            "subprocesses": {str(k): convert(v) for k, v in workflow.subprocesses.items()},
            "bpmn_events": convert(workflow.bpmn_events),
        }

    def restore(self, spec, subprocess_specs: dict, header: dict, payloads: dict[str, dict],
                script_engine) -> BpmnWorkflow:
        """Rebuild a workflow from its header and all task payloads (parents before children)."""
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        order, pending = [], [header["root"]]
        while pending:
            task_id = pending.pop()
            payload = payloads[task_id]
            order.append(payload)
            pending.extend(reversed(payload["children"]))
        for payload in order:
            self.registry.restore(payload, workflow=workflow)
        workflow.task_tree = workflow.tasks[UUID(header["root"])]
        workflow.success = header["success"]
        workflow.completed = header.get("completed", False)
        workflow.correlations = header.get("correlations", {})
        if header["last_task"]:
            workflow.last_task = workflow.tasks.get(UUID(header["last_task"]))
        workflow.data = self.registry.restore(header.get("data", {}))
        if header.get("subprocesses"):
            BpmnWorkflowConverter.subprocesses_from_dict(_ConverterShim(self.registry),
                                                         dict(header["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(header.get("bpmn_events", []))
        workflow._ifl_saved = {tid: _fingerprint(t) for tid, t in workflow.tasks.items()}
        return workflow

    # --- whole-document form: export, benchmarks and the "bare SpiffWorkflow" baseline ---
    def to_json(self, workflow: BpmnWorkflow) -> str:
        """SpiffWorkflow's own full JSON (spec included)."""
        return self.serializer.serialize_json(workflow)

    def from_json(self, text: str, script_engine) -> BpmnWorkflow:
        """Restore SpiffWorkflow's own full JSON."""
        workflow = self.serializer.deserialize_json(text)
        workflow.script_engine = script_engine
        return workflow


def _fingerprint(task) -> tuple:
    """What identifies a task's stored form; predicted and finished tasks only change through these."""
    return (task._state, task.last_state_change, task._parent, tuple(task._children), len(task.data),
            len(task.internal_data))


class _ConverterShim:
    """Just enough of BpmnWorkflowConverter for its subprocesses_from_dict (which recurses via self)."""

    subprocesses_from_dict = BpmnWorkflowConverter.subprocesses_from_dict

    def __init__(self, registry):
        self.registry = registry
