"""A deployed process definition, parsed once: the SpiffWorkflow spec plus what our layers need to know."""
from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, StartEvent, UserTask
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException

from . import timers
from .script_engine import check_source
from .xml_safety import UnsafeXml, parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}

# Lanes name the people who do the work; these words map a lane to one of our roles.
LANE_ROLES = {"integrationsmanagement": "caseworker", "fallbearbeitung": "caseworker",
              "teamleitung": "supervisor", "stabsstelle": "supervisor", "supervisor": "supervisor",
              "caseworker": "caseworker"}
ROLES = ("caseworker", "supervisor", "compliance", "admin", "privacy")


class IntegraflowParser(CamundaParser):
    """Camunda dialect with timers on the injected clock."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("startEvent"): (timers.StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (timers.IntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (timers.BoundaryEventParser, BoundaryEvent),
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


@dataclass
class ProcessModel:
    """A parsed, runnable definition: spec, subprocess specs and user-task metadata."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    element_names: dict[str, str] = field(default_factory=dict)


def _role_for(lane: str | None, candidate_groups: str | None) -> str | None:
    if candidate_groups:
        first = candidate_groups.split(",")[0].strip().lower()
        return first if first in ROLES else None
    if lane:
        return LANE_ROLES.get(lane.strip().lower())
    return None


def parse_model(xml: bytes | str, process_id: str | None = None) -> ProcessModel:
    """Parse BPMN XML safely into a ProcessModel or raise DefinitionError listing the problems."""
    try:
        root = parse_xml(xml)
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
        parser.add_bpmn_xml(root, filename=f"{pid}.bpmn")
        spec = parser.get_spec(pid)
        subprocess_specs = parser.get_subprocess_specs(pid)
    except ValidationException as exc:
        raise DefinitionError([(getattr(exc, "id", "") or "", _spiff_message(exc))]) from None
    except SpiffWorkflowException as exc:
        raise DefinitionError([("", _spiff_message(exc))]) from None
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise DefinitionError([("", f"Die Prozessdefinition kann nicht gelesen werden: {exc}")]) from None
    model = ProcessModel(pid, process_el.get("name") or pid, spec, subprocess_specs)
    _collect_metadata(model, process_el)
    return model


def _spiff_message(exc: Exception) -> str:
    text = str(exc).split("\n")[0]
    return f"Die Prozessdefinition ist ungültig: {text}"


def _collect_metadata(model: ProcessModel, process_el) -> None:
    problems: list[tuple[str, str]] = []
    for el in process_el.iter():
        if isinstance(el.tag, str) and el.get("id") and el.get("name"):
            model.element_names[el.get("id")] = el.get("name")
    # Ids come from an untrusted file: look them up in a dict, never splice them into an XPath.
    user_task_elements = {el.get("id"): el for el in process_el.iter(f"{{{BPMN_NS}}}userTask")}
    for task_spec in model.spec.task_specs.values():
        if not isinstance(task_spec, UserTask):
            continue
        el = user_task_elements.get(task_spec.bpmn_id)
        due = el.get(f"{{{CAMUNDA_NS}}}dueDate") if el is not None else None
        groups = el.get(f"{{{CAMUNDA_NS}}}candidateGroups") if el is not None else None
        if due:
            problems += [(task_spec.bpmn_id, f"Fälligkeitsausdruck: {p}") for p in check_source(due)]
        form = getattr(task_spec, "form", None)
        model.user_tasks[task_spec.name] = UserTaskInfo(
            bpmn_id=task_spec.bpmn_id,
            title=task_spec.bpmn_name or task_spec.bpmn_id,
            form_key=getattr(form, "key", None) or None,
            lane=task_spec.lane,
            role=_role_for(task_spec.lane, groups),
            due_expression=due,
        )
    if problems:
        raise DefinitionError(problems)
