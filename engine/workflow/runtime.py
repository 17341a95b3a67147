"""Running workflows: start, complete user tasks, list ready tasks — with parsed specs and live instances cached."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.defaults import UserTask
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from .codec import WorkflowCodec
from .model import ProcessModel, parse_model
from .script_engine import ForbiddenExpression, RestrictedScriptEngine, evaluate
from .timers import due_moment


class TaskNotReady(LookupError):
    """The task does not exist in this workflow or is no longer waiting for a user."""


class ScriptFailure(RuntimeError):
    """A condition, script or due-date expression of the definition failed; carries the element id."""

    def __init__(self, message: str, element_id: str | None = None):
        super().__init__(message)
        self.element_id = element_id


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for someone, as the projection stores it."""

    id: str
    spec_name: str
    title: str
    form_key: str | None
    lane: str | None
    role: str | None
    due_on: date | None


class WorkflowRuntime:
    """Facade over SpiffWorkflow used by the services; the only place that touches BpmnWorkflow objects."""

    def __init__(self, cache_size: int = 256, clock=None):
        self.codec = WorkflowCodec()
        self.script_engine = RestrictedScriptEngine()
        self.script_engine.clock = clock  # timers read it (engine.workflow.timers)
        self._models: dict[tuple[int, str] | int, ProcessModel] = {}
        self._instances: OrderedDict[str, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._derived: OrderedDict[tuple, object] = OrderedDict()

    # --- definitions ---
    def model(self, definition_id: int, checksum: str, xml: str) -> ProcessModel:
        """The parsed model of a deployed definition (parsed once per process)."""
        key = (definition_id, checksum)
        model = self._models.get(key)
        if model is None:
            model = parse_model(xml)
            self._models[key] = model
            self._models[definition_id] = model
        return model

    def cached_model(self, definition_id: int) -> ProcessModel | None:
        """The model of a deployed definition if already parsed; definitions are immutable once deployed."""
        return self._models.get(definition_id)

    # --- instance cache, keyed by the case version the instance belongs to ---
    def checkout(self, case_id: str, version: int) -> BpmnWorkflow | None:
        """Take the cached instance for exactly this case version (removing it: the caller owns it now)."""
        with self._lock:
            entry = self._instances.pop(case_id, None)
        if entry and entry[0] == version:
            return entry[1]
        return None

    def checkin(self, case_id: str, version: int, workflow: BpmnWorkflow) -> None:
        """Return an instance after a successful commit, tagged with the new case version."""
        if self._cache_size <= 0:
            return
        with self._lock:
            self._instances[case_id] = (version, workflow)
            self._instances.move_to_end(case_id)
            while len(self._instances) > self._cache_size:
                self._instances.popitem(last=False)

    def forget(self, case_id: str) -> None:
        """Drop a cached instance (after a failed transaction the object may be half-changed)."""
        with self._lock:
            self._instances.pop(case_id, None)

    def derived(self, key: tuple, compute):
        """A result derived from an immutable state (e.g. a case version's replay), computed once per key."""
        with self._lock:
            if key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key]
        value = compute()
        with self._lock:
            self._derived[key] = value
            while len(self._derived) > max(self._cache_size, 1) * 4:
                self._derived.popitem(last=False)
        return value

    # --- running ---
    def start(self, model: ProcessModel, data: dict) -> BpmnWorkflow:
        """Create a new instance with initial data and run it up to the first waiting task."""
        workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(data)
        self._run_engine(workflow)
        return workflow

    def complete(self, workflow: BpmnWorkflow, task_id: str, data: dict) -> str:
        """Complete a ready user task with data and advance; returns the task's spec name."""
        task = self._ready_task(workflow, task_id)
        task.data.update(data)
        try:
            task.run()
        except (SpiffWorkflowException, ForbiddenExpression, Exception) as exc:  # noqa: BLE001
            raise ScriptFailure(_describe(exc), task.task_spec.bpmn_id) from exc
        self._run_engine(workflow)
        return task.task_spec.name

    def _ready_task(self, workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TypeError, SpiffWorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise TaskNotReady(task_id)
        return task

    def _run_engine(self, workflow: BpmnWorkflow) -> None:
        try:
            workflow.do_engine_steps()
        except SpiffWorkflowException as exc:
            task = getattr(exc, "task", None)
            raise ScriptFailure(_describe(exc), getattr(getattr(task, "task_spec", None), "bpmn_id", None)) from exc
        except ForbiddenExpression as exc:
            raise ScriptFailure(str(exc)) from exc

    # --- reading a live instance ---
    def ready_user_tasks(self, model: ProcessModel, workflow: BpmnWorkflow) -> list[ReadyTask]:
        """Ready user tasks with title, form, lane, role and evaluated due date."""
        result = []
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            info = model.user_tasks.get(task.task_spec.name)
            if info is None:
                continue
            result.append(ReadyTask(str(task.id), task.task_spec.name, info.title, info.form_key, info.lane,
                                    info.role, self._due_on(info.due_expression, task)))
        return result

    def _due_on(self, expression: str | None, task) -> date | None:
        if not expression:
            return None
        try:
            value = evaluate(expression, task.data)
        except Exception as exc:  # noqa: BLE001 - any failure of a user-written expression is reported
            raise ScriptFailure(f"Fälligkeit konnte nicht berechnet werden: {_describe(exc)}",
                                task.task_spec.bpmn_id) from exc
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value)[:10])

    def data(self, workflow: BpmnWorkflow) -> dict:
        """Data of the most recently completed task (what gateways saw last)."""
        task = workflow.last_task or workflow.task_tree
        return dict(task.data)

    def is_completed(self, workflow: BpmnWorkflow) -> bool:
        """True when the process has reached an end."""
        return workflow.is_completed()

    def reached_end_events(self, workflow: BpmnWorkflow) -> list[str]:
        """BPMN ids of end events that completed (tells how a case ended)."""
        return [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)
                if type(t.task_spec).__name__ == "EndEvent"]

    def visited_elements(self, workflow: BpmnWorkflow) -> list[str]:
        """BPMN ids of completed elements, including those pruned into the archive earlier."""
        seen = set(getattr(workflow, "_ifl_visited", ()))
        seen.update(t.task_spec.bpmn_id for t in workflow.tasks.values()
                    if t.state == TaskState.COMPLETED and t.task_spec.bpmn_id)
        workflow._ifl_visited = seen
        return sorted(seen)

    def next_timer(self, workflow: BpmnWorkflow) -> datetime | None:
        """Earliest due time of a waiting timer event, for the indexed sweep column."""
        due = [due_moment(task) for task in workflow.get_tasks(state=TaskState.WAITING)
               if isinstance(task.task_spec, CatchingEvent)]
        due = [d for d in due if d is not None]
        return min(due) if due else None

    def fire_timers(self, workflow: BpmnWorkflow) -> list[str]:
        """Let due timers fire (on the injected clock) and advance; returns BPMN ids of timers that fired."""
        waiting = {t.id for t in workflow.get_tasks(state=TaskState.WAITING) if isinstance(t.task_spec, CatchingEvent)}
        try:
            workflow.refresh_timers()
        except (SpiffWorkflowException, ForbiddenExpression, ValueError) as exc:
            raise ScriptFailure(_describe(exc)) from exc
        self._run_engine(workflow)
        return [workflow.tasks[t].task_spec.bpmn_id for t in waiting
                if t in workflow.tasks and workflow.tasks[t].state == TaskState.COMPLETED]


def _describe(exc: Exception) -> str:
    inner = getattr(exc, "exception", None) or exc.__cause__ or exc
    text = str(exc).split("\n")[0]
    if inner is not exc and str(inner):
        text = f"{text} ({type(inner).__name__}: {inner})"
    return text
