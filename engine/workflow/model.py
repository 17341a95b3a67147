"""A deployed process definition, parsed once: the SpiffWorkflow spec plus what our layers need to know."""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    IntermediateCatchEvent,
    ManualTask,
    NoneTask,
    ReceiveTask,
    SendTask,
    StartEvent,
    UserTask,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import timers
from .decisions import DecisionError, DecisionParser
from .declarations import BPMN_NS, CAMUNDA_NS, closure_reason, process_declaration, task_declaration
from .library_messages import missing_attribute_message, spiff_message
from .messages import CamundaReceiveTaskParser, CamundaSendTaskParser
from .script_engine import check_source
from .xml_safety import UnsafeXml, parse_xml

NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}

# Lanes name the people who do the work; these words map a lane to one of our roles.
LANE_ROLES = {"integrationsmanagement": "caseworker", "fallbearbeitung": "caseworker",
              "teamleitung": "supervisor", "stabsstelle": "supervisor", "supervisor": "supervisor",
              "caseworker": "caseworker"}
ROLES = ("caseworker", "supervisor", "compliance", "admin", "privacy")


# Tasks a person does: user tasks with their form; manual and plain tasks without one (they are confirmed done).
HUMAN_TASKS = (UserTask, ManualTask, NoneTask)


class IntegraflowParser(DecisionParser):
    """Camunda dialect with timers on the injected clock, Camunda messages on send and receive tasks, and
    business-rule tasks on the deployed decision tables."""

    OVERRIDE_PARSER_CLASSES = {
        **DecisionParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (timers.StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (timers.IntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (timers.BoundaryEventParser, BoundaryEvent),
        full_tag("sendTask"): (CamundaSendTaskParser, SendTask),
        full_tag("receiveTask"): (CamundaReceiveTaskParser, ReceiveTask),
    }


class DefinitionError(ValueError):
    """The BPMN cannot be run; `problems` holds one (element id, German message) pair per issue."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{el}: {msg}" if el else msg for el, msg in problems))
        self.problems = problems


@dataclass(frozen=True)
class UserTaskInfo:
    """What the task list and forms need about one user task of a definition."""

    bpmn_id: str
    title: str
    form_key: str | None
    lane: str | None
    role: str | None
    due_expression: str | None
    step: str | None = None
    phase: str | None = None
    needs_consent: bool = True


@dataclass
class ProcessModel:
    """A parsed, runnable definition: spec, subprocess specs, user-task metadata and what the file declares.

    `user_tasks` are the process's own user tasks by name; `sub_tasks` those of embedded sub-processes and called
    processes, by (sub-process spec name, task name), since a called process may reuse its caller's ids.
    """

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    sub_tasks: dict[tuple[str, str], UserTaskInfo] = field(default_factory=dict)
    element_names: dict[str, str] = field(default_factory=dict)
    kind: str = "case_process"
    startable: bool = True
    # End events of the process itself that close the case with a declared reason: BPMN id -> reason.
    end_reasons: dict[str, str] = field(default_factory=dict)
    # Processes this one calls (call activities), by process id.
    calls: frozenset[str] = frozenset()

    def task_info(self, spec_name: str, task_name: str) -> UserTaskInfo | None:
        """Metadata of a user task of this process or of one of its sub-processes (None: not a user task)."""
        if spec_name == self.spec.name:
            return self.user_tasks.get(task_name)
        return self.sub_tasks.get((spec_name, task_name))

    def all_user_tasks(self) -> list[UserTaskInfo]:
        """The user tasks of the process and of everything it contains or calls."""
        return [*self.user_tasks.values(), *self.sub_tasks.values()]


def _role_for(lane: str | None, candidate_groups: str | None) -> str | None:
    if candidate_groups:
        first = candidate_groups.split(",")[0].strip().lower()
        return first if first in ROLES else None
    if lane:
        return LANE_ROLES.get(lane.strip().lower())
    return None


def parse_model(xml: bytes | str, process_id: str | None = None,
                dependencies: tuple[bytes | str, ...] = (),
                decisions: tuple[tuple[str, int | None], ...] = ()) -> ProcessModel:
    """Parse BPMN XML safely into a ProcessModel or raise DefinitionError listing the problems.

    `dependencies` are the BPMN documents of the processes its call activities call (deployed versions);
    `decisions` the (DMN document, version) pairs of the decision tables its business-rule tasks use.
    """
    try:
        root = parse_xml(xml)
        extra_roots = [parse_xml(d) for d in dependencies]
    except UnsafeXml as exc:
        raise DefinitionError([("", str(exc))]) from None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DefinitionError([("", "Die Datei ist kein BPMN-2.0-Dokument (Wurzelelement 'definitions' fehlt).")])
    processes = root.findall("bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    if not executable:
        raise DefinitionError([("", "Die Datei enthält keinen Prozess.")])
    process_el = next((p for p in executable if p.get("id") == process_id), executable[0])
    pid = process_el.get("id")
    parser = IntegraflowParser()
    try:
        for dmn, version in decisions:
            parser.add_decision(dmn, version)
    except DecisionError as exc:
        raise DefinitionError([("", str(exc))]) from None
    except (ValidationException, SpiffWorkflowException, KeyError, ValueError) as exc:
        raise DefinitionError([("", f"Entscheidungstabelle fehlerhaft: {_spiff_message(exc)}")]) from None
    missing = [(el.get("id") or pid, f"Die Entscheidungstabelle „{ref}“ ist nicht bereitgestellt.")
               for root_el in (root, *extra_roots) for el in root_el.iter(f"{{{BPMN_NS}}}businessRuleTask")
               if (ref := el.get(f"{{{CAMUNDA_NS}}}decisionRef")) and ref not in parser.dmn_parsers]
    if missing:
        raise DefinitionError(missing)
    try:
        parser.add_bpmn_xml(root, filename=f"{pid}.bpmn")
        for i, extra in enumerate(extra_roots):
            parser.add_bpmn_xml(extra, filename=f"dependency-{i}.bpmn")
        spec = parser.get_spec(pid)
        subprocess_specs = parser.get_subprocess_specs(pid)
    except ValidationException as exc:
        raise DefinitionError([(getattr(exc, "id", "") or pid, _spiff_message(exc))]) from None
    except SpiffWorkflowException as exc:
        raise DefinitionError([(pid, _spiff_message(exc))]) from None
    except KeyError as exc:
        # SpiffWorkflow reads required attributes by their raw '{namespace}name' key.
        key = str(exc.args[0]) if exc.args else ""
        raise DefinitionError([(_lacking(root, key) or pid, missing_attribute_message(key))]) from None
    except (ValueError, TypeError, AttributeError, RecursionError):
        raise DefinitionError([(pid, spiff_message(""))]) from None
    declared = process_declaration(process_el)
    model = ProcessModel(pid, process_el.get("name") or pid, spec, subprocess_specs, kind=declared.kind,
                         startable=declared.startable)
    _collect_metadata(model, process_el, [root, *extra_roots])
    return model


def main_process_id(xml: bytes | str) -> str | None:
    """The id of the process a file deploys: its (first) executable process; None for a file without one."""
    try:
        root = parse_xml(xml)
    except UnsafeXml:
        return None
    processes = root.findall("bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    return executable[0].get("id") if executable else None


def called_processes(xml: bytes | str) -> frozenset[str]:
    """Process ids the file's call activities call that the file does not define itself (deployed elsewhere)."""
    try:
        root = parse_xml(xml)
    except UnsafeXml:
        return frozenset()
    local = {p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process")}
    return frozenset(el.get("calledElement") for el in root.iter(f"{{{BPMN_NS}}}callActivity")
                     if el.get("calledElement") and el.get("calledElement") not in local)


def _lacking(root, key: str) -> str | None:
    """The id of the first element that lacks the attribute a parser KeyError names (e.g. decisionRef)."""
    if not key.startswith("{"):
        return None
    name = key.rsplit("}", 1)[-1]
    tag = {"decisionRef": "businessRuleTask", "calledElement": "callActivity",
           "messageRef": "messageEventDefinition"}.get(name)
    for el in root.iter(f"{{{BPMN_NS}}}{tag}") if tag else ():
        if el.get(key) is None:
            return el.get("id") or (el.getparent().get("id") if el.getparent() is not None else None)
    return None


def _spiff_message(exc: Exception) -> str:
    return spiff_message(str(exc))


def _collect_metadata(model: ProcessModel, process_el, roots: list) -> None:
    problems: list[tuple[str, str]] = []
    elements: dict[str, object] = {}
    for root in roots:  # the main document first: its ids win over a called process that reuses them
        for el in root.iter():
            if isinstance(el.tag, str) and el.get("id"):
                elements.setdefault(el.get("id"), el)
                if el.get("name"):
                    model.element_names.setdefault(el.get("id"), el.get("name"))
    model.end_reasons = {el.get("id"): reason for el in process_el.iter(f"{{{BPMN_NS}}}endEvent")
                         if (reason := closure_reason(el)) and _direct_child_of(el, process_el)}
    model.calls = frozenset(el.get("calledElement") for el in process_el.iter(f"{{{BPMN_NS}}}callActivity")
                            if el.get("calledElement"))
    specs = [(model.spec, True), *((sub, False) for sub in model.subprocess_specs.values())]
    for wf_spec, own in specs:
        for task_spec in wf_spec.task_specs.values():
            if not isinstance(task_spec, HUMAN_TASKS):
                continue
            # Ids come from an untrusted file: look them up in a dict, never splice them into an XPath.
            el = elements.get(task_spec.bpmn_id)
            info, found = _task_info(task_spec, el)
            problems += found
            if own:
                model.user_tasks[task_spec.name] = info
            else:
                model.sub_tasks[(wf_spec.name, task_spec.name)] = info
    if problems:
        raise DefinitionError(problems)


def _direct_child_of(el, process_el) -> bool:
    # An end event inside a sub-process ends the sub-process, not the case.
    return el.getparent() is process_el


def _task_info(task_spec, el) -> tuple[UserTaskInfo, list[tuple[str, str]]]:
    due = el.get(f"{{{CAMUNDA_NS}}}dueDate") if el is not None else None
    groups = el.get(f"{{{CAMUNDA_NS}}}candidateGroups") if el is not None else None
    problems = [(task_spec.bpmn_id, f"Fälligkeitsausdruck: {p}") for p in check_source(due)] if due else []
    declared = task_declaration(el) if el is not None else None
    form = getattr(task_spec, "form", None)
    info = UserTaskInfo(
        bpmn_id=task_spec.bpmn_id,
        title=task_spec.bpmn_name or task_spec.bpmn_id,
        form_key=getattr(form, "key", None) or None,
        lane=task_spec.lane,
        # A manual task needs somebody too: without lane or group it is the caseworker's.
        role=_role_for(task_spec.lane, groups) or (None if isinstance(task_spec, UserTask) else "caseworker"),
        due_expression=due,
        step=declared.step if declared else None,
        phase=declared.phase if declared else None,
        needs_consent=declared.needs_consent if declared else True,
    )
    return info, problems
