"""Running workflows: start, complete user tasks, list ready tasks — with parsed specs and live instances cached."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .codec import WorkflowCodec
from .decisions import Evaluation, take_evaluations
from .limits import DEFAULT_LIMITS, LimitExceeded, Limits, current_budget
from .messages import throw_to_error_boundary
from .model import HUMAN_TASKS, ProcessModel, parse_model
from .script_engine import ForbiddenExpression, RestrictedScriptEngine
from .timers import TimerValueError, due_moment

DUE_DATE_FAILED = "Fälligkeit konnte nicht berechnet werden"


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
    step: str | None = None
    phase: str | None = None
    needs_consent: bool = True


class WorkflowRuntime:
    """Facade over SpiffWorkflow used by the services; the only place that touches BpmnWorkflow objects."""

    def __init__(self, cache_size: int = 256, clock=None, limits: Limits = DEFAULT_LIMITS):
        self.codec = WorkflowCodec()
        self.script_engine = RestrictedScriptEngine(limits)
        self.script_engine.clock = clock  # timers read it (engine.workflow.timers)
        self._models: dict[tuple[int, str] | int, ProcessModel] = {}
        self._instances: OrderedDict[str, tuple[str, int, BpmnWorkflow]] = OrderedDict()  # process -> entry
        self._by_case: dict[str, set[str]] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._derived: OrderedDict[tuple, object] = OrderedDict()

    # --- definitions ---
    def model(self, definition_id: int, checksum: str, xml: str, dependencies: tuple[str, ...] = (),
              decisions: tuple[tuple[str, int | None], ...] = ()) -> ProcessModel:
        """The parsed model of a deployed definition (parsed once per process); `dependencies` are called processes,
        `decisions` the pinned decision tables (DMN, version)."""
        key = (definition_id, checksum)
        model = self._models.get(key)
        if model is None:
            model = parse_model(xml, dependencies=dependencies, decisions=decisions)
            self._models[key] = model
            self._models[definition_id] = model
        return model

    def cached_model(self, definition_id: int) -> ProcessModel | None:
        """The model of a deployed definition if already parsed; definitions are immutable once deployed."""
        return self._models.get(definition_id)

    # --- instance cache: one live workflow per process, tagged with the case version it belongs to ---
    def checkout(self, process_id: str, version: int) -> BpmnWorkflow | None:
        """Take the cached instance of a process for exactly this case version (the caller owns it now)."""
        with self._lock:
            entry = self._instances.pop(process_id, None)
            if entry is not None:
                self._discard_index(entry[0], process_id)
        if entry and entry[1] == version:
            return entry[2]
        return None

    def checkin(self, process_id: str, case_id: str, version: int, workflow: BpmnWorkflow,
                previous: int | None = None) -> None:
        """Return an instance after a successful commit, tagged with the new case version.

        The commit moved the case from `previous` to `version`; the case's other processes that were cached at
        `previous` did not change in it (every changed workflow is checked in), so they stay valid at `version`.
        """
        if self._cache_size <= 0:
            return
        with self._lock:
            if previous is not None:
                for other in self._by_case.get(case_id, ()):
                    entry = self._instances.get(other)
                    if other != process_id and entry is not None and entry[1] == previous:
                        self._instances[other] = (case_id, version, entry[2])
            self._instances[process_id] = (case_id, version, workflow)
            self._instances.move_to_end(process_id)
            self._by_case.setdefault(case_id, set()).add(process_id)
            while len(self._instances) > self._cache_size:
                evicted, (evicted_case, _v, _w) = self._instances.popitem(last=False)
                self._discard_index(evicted_case, evicted)

    def forget(self, process_id: str) -> None:
        """Drop a cached instance (after a failed transaction the object may be half-changed)."""
        with self._lock:
            entry = self._instances.pop(process_id, None)
            if entry is not None:
                self._discard_index(entry[0], process_id)

    def clear_cache(self) -> None:
        """Drop every cached instance (benchmarks and tests force a round trip through the database with it)."""
        with self._lock:
            self._instances.clear()
            self._by_case.clear()

    def _discard_index(self, case_id: str, process_id: str) -> None:
        processes = self._by_case.get(case_id)
        if processes is not None:
            processes.discard(process_id)
            if not processes:
                del self._by_case[case_id]

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
        with self.script_engine.budget():
            self._run_engine(workflow)
        return workflow

    def complete(self, workflow: BpmnWorkflow, task_id: str, data: dict) -> str:
        """Complete a ready user task with data and advance; returns the task's spec name."""
        task = self._ready_task(workflow, task_id)
        task.data.update(data)
        # Due dates "after the previous step" read this; set on every completion, stable afterwards.
        task.data["step_completed_on"] = self._today().isoformat()
        with self.script_engine.budget():
            try:
                task.run()
            except (SpiffWorkflowException, ForbiddenExpression, LimitExceeded) as exc:
                raise ScriptFailure(_describe(exc), task.task_spec.bpmn_id) from exc
            except Exception as exc:  # noqa: BLE001 - see _unguarded
                raise _unguarded(exc, task) from exc
            self._run_engine(workflow)
        return task.task_spec.name

    def _today(self) -> date:
        clock = getattr(self.script_engine, "clock", None)
        return clock.today() if clock is not None else date.today()

    def _ready_task(self, workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (ValueError, TypeError, SpiffWorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, HUMAN_TASKS):
            raise TaskNotReady(task_id)
        return task

    def _run_engine(self, workflow: BpmnWorkflow) -> None:
        # Each failure handed to an error boundary cancels one activity, so the loop ends; the bound is a backstop.
        for _attempt in range(100):
            try:
                # A process can loop through gateways without any script: each engine step ticks the budget too.
                workflow.do_engine_steps(did_complete_task=_tick_budget)
                return
            except SpiffWorkflowException as exc:
                task = getattr(exc, "task", None)
                # An exceeded limit is not a business error: no error boundary may catch it and carry on.
                if task is not None and not _limit_of(exc) and throw_to_error_boundary(task, _describe(exc)):
                    continue
                raise ScriptFailure(_describe(exc), getattr(getattr(task, "task_spec", None), "bpmn_id", None)) from exc
            except (ForbiddenExpression, LimitExceeded) as exc:
                raise ScriptFailure(str(exc)) from exc
            except Exception as exc:  # noqa: BLE001 - see _unguarded
                raise _unguarded(exc) from exc
        raise ScriptFailure("Zu viele Fehler hintereinander; der Prozess wurde angehalten.")

    def take_decisions(self, workflow: BpmnWorkflow) -> list[Evaluation]:
        """The decision-table evaluations the workflow ran since the last call (each is recorded once)."""
        return take_evaluations(workflow)

    # --- reading a live instance ---
    def ready_user_tasks(self, model: ProcessModel, workflow: BpmnWorkflow) -> list[ReadyTask]:
        """Ready user tasks with title, form, lane, role and evaluated due date."""
        result = []
        # get_tasks descends into embedded sub-processes and called processes, whose tasks count as the case's.
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            info = model.task_info(task.workflow.spec.name, task.task_spec.name)
            if info is None:
                continue
            result.append(ReadyTask(str(task.id), task.task_spec.name, info.title, info.form_key, info.lane,
                                    info.role, self._due_on(info.due_expression, task), info.step, info.phase,
                                    info.needs_consent))
        return result

    def _due_on(self, expression: str | None, task) -> date | None:
        if not expression:
            return None
        try:
            value = self.script_engine.environment.evaluate(expression, task.data)
        except Exception as exc:  # noqa: BLE001 - any failure of a user-written expression is reported
            raise ScriptFailure(f"{DUE_DATE_FAILED}: {_describe(exc)}",
                                task.task_spec.bpmn_id) from exc
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            raise ScriptFailure(f"{DUE_DATE_FAILED}: „{str(value)[:40]}“ ist kein Datum "
                                "(erwartet JJJJ-MM-TT)", task.task_spec.bpmn_id) from None

    def data(self, workflow: BpmnWorkflow) -> dict:
        """Data of the most recently completed task (what gateways saw last)."""
        task = workflow.last_task or workflow.task_tree
        return dict(task.data)

    def is_completed(self, workflow: BpmnWorkflow) -> bool:
        """True when the process has reached an end."""
        return workflow.is_completed()

    def closure_reason(self, model: ProcessModel, workflow: BpmnWorkflow) -> str | None:
        """The closure reason declared on an end event the process itself reached (not one of a sub-process)."""
        return next((model.end_reasons[t.task_spec.bpmn_id] for t in workflow.get_tasks(state=TaskState.COMPLETED)
                     if t.workflow is workflow and t.task_spec.bpmn_id in model.end_reasons), None)

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
        with self.script_engine.budget():
            try:
                workflow.refresh_timers()
            except (SpiffWorkflowException, ForbiddenExpression, LimitExceeded) as exc:
                raise ScriptFailure(_describe(exc)) from exc
            except Exception as exc:  # noqa: BLE001 - see _unguarded
                raise _unguarded(exc) from exc
            self._run_engine(workflow)
        return [workflow.tasks[t].task_spec.bpmn_id for t in waiting
                if t in workflow.tasks and workflow.tasks[t].state == TaskState.COMPLETED]


def _tick_budget(_task) -> None:
    budget = current_budget()
    if budget is not None:
        budget.pass_element()


def _limit_of(exc: BaseException) -> LimitExceeded | None:
    """The exceeded limit behind a (wrapped) failure, if that is what it was."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, LimitExceeded):
            return exc
        exc = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
        seen += 1
    return None


def _unguarded(exc: Exception, task=None) -> ScriptFailure:
    """A failure SpiffWorkflow raises without wrapping it, caused by the model or its data: reported at the
    element it happened on, like a failing script, never as a traceback.

    SpiffWorkflow lets plain errors out of its task specs, e.g. a multi-instance over a collection that is no list
    (TypeError) or a timer whose duration expression is no ISO 8601 text (Exception, AttributeError). Completing
    one task runs the update of the next, so the element is the innermost task being worked on, not `task`.
    """
    failing = _failing_task(exc) or task
    spec = getattr(failing, "task_spec", None)
    text = str(exc).split("\n")[0]
    text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if isinstance(exc, TimerValueError):
        text = f"Zeitereignis: {exc}"
    elif isinstance(spec, LoopTask):
        text = f"Mehrfachausführung: die Sammlung ergibt keine Liste oder die Anzahl keine ganze Zahl ({text})"
    elif isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
        text = f"Zeitereignis: der Ausdruck ergibt keine gültige Zeitangabe nach ISO 8601 ({text})"
    return ScriptFailure(text, getattr(spec, "bpmn_id", None))


def _failing_task(exc: BaseException):
    """The SpiffWorkflow task whose spec raised `exc`: the innermost frame working on one (its `my_task`)."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("my_task")
        if isinstance(candidate, Task):
            found = candidate
        tb = tb.tb_next
    return found


def _describe(exc: Exception) -> str:
    limit = _limit_of(exc)
    if limit is not None:
        return str(limit)
    inner = getattr(exc, "exception", None) or exc.__cause__ or exc
    text = str(exc).split("\n")[0]
    if inner is not exc and str(inner):
        text = f"{text} ({type(inner).__name__}: {inner})"
    return text
