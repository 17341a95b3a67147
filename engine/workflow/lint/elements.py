"""Which BPMN elements the runtime can execute, and what SpiffWorkflow's own parser refuses."""
from __future__ import annotations

from ..decisions import decision_refs
from ..library_messages import spiff_message
from ..model import BPMN_NS, CAMUNDA_NS, DefinitionError, called_processes, parse_model
from .context import DeployContext
from .problems import Problem, bpmn, error, local, warning

SUPPORTED = frozenset({
    "startEvent", "endEvent", "userTask", "scriptTask", "manualTask", "task", "businessRuleTask", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "subProcess", "callActivity", "sequenceFlow", "laneSet",
    "dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation", "association",
    "documentation", "extensionElements", "ioSpecification", "property", "group",
    # Children of a sub-process that are not flow nodes: its own flows and loop characteristics.
    "incoming", "outgoing", "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
    "dataInputAssociation", "dataOutputAssociation",
})
# These run only when they send or receive a message.
MESSAGE_TASKS = frozenset({"sendTask", "receiveTask"})
UNSUPPORTED = {
    "complexGateway": "Komplexe Gateways kann die Laufzeit nicht ausführen.",
    "serviceTask": "Service-Tasks werden nicht unterstützt (es gibt keinen Service-Connector).",
    "adHocSubProcess": "Ad-hoc-Teilprozesse werden nicht unterstützt.",
    "transaction": "Transaktionen werden nicht unterstützt.",
}
# SpiffWorkflow 3.2 has no compensation or link events (they would parse as events that do nothing), and it
# re-checks waiting events only for timers, so a conditional event whose condition is false on arrival
# would wait forever.
UNSUPPORTED_EVENTS = {
    "compensateEventDefinition": "Kompensationsereignisse werden nicht unterstützt.",
    "linkEventDefinition": "Link-Ereignisse werden nicht unterstützt; bitte Sequenzflüsse verwenden.",
    "conditionalEventDefinition": "Bedingte Ereignisse werden nicht unterstützt (die Bedingung würde nur "
                                  "beim Erreichen geprüft, danach nie wieder).",
}
# Elements that never hold a token, so "unreachable" means nothing for them.
_NOT_FLOW_NODES = frozenset({"sequenceFlow", "laneSet", "dataObject", "dataObjectReference",
                             "dataStoreReference", "textAnnotation", "association", "documentation",
                             "extensionElements", "ioSpecification", "property", "group", "incoming", "outgoing",
                             "multiInstanceLoopCharacteristics", "standardLoopCharacteristics",
                             "dataInputAssociation", "dataOutputAssociation"})
FLOW_NODES = (SUPPORTED - _NOT_FLOW_NODES) | MESSAGE_TASKS | frozenset(UNSUPPORTED)


def unsupported(container) -> list[Problem]:
    """Direct children of a process or subprocess that the runtime cannot execute."""
    problems = []
    for el in container:
        name = local(el)
        if name is None:
            continue
        element_id = el.get("id") or container.get("id")
        if name == "businessRuleTask" and not el.get(f"{{{CAMUNDA_NS}}}decisionRef"):
            problems.append(error(element_id, "Der Business-Rule-Task nennt keine Entscheidungstabelle "
                                              "(camunda:decisionRef)."))
        if name in UNSUPPORTED:
            problems.append(error(element_id, UNSUPPORTED[name]))
        elif name in MESSAGE_TASKS:
            if el.get("messageRef") is None and el.find(bpmn("messageEventDefinition")) is None:
                problems.append(error(element_id, "Sende- und Empfangsaufgaben ohne Nachricht werden "
                                                  "nicht unterstützt."))
        elif name not in SUPPORTED:
            problems.append(error(element_id, f"Das Element '{name}' wird von der Laufzeit nicht "
                                              "unterstützt."))
        for definition in el:
            if local(definition) in UNSUPPORTED_EVENTS:
                problems.append(error(element_id, UNSUPPORTED_EVENTS[local(definition)]))
    return problems


def parser_problems(raw: bytes, processes: list, context: DeployContext) -> list[Problem]:
    """What SpiffWorkflow's own parser refuses, for every process our runtime might start."""
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    external = called_processes(raw)
    if external and not context.documents:
        # Without the installation the called processes are unknown; the deploy gate checks them.
        return [warning(processes[0].get("id"), f"Ruft bereitgestellte Prozesse auf ({', '.join(sorted(external))}); "
                                                "ob es sie gibt, prüft die Bereitstellung (oder „--db“).")]
    problems = []
    decisions = context.decisions
    if decisions is None:
        refs = decision_refs(raw)
        if refs:
            # Without the installation the tables are unknown; the deploy gate checks them.
            names = ", ".join(sorted(refs))
            return [warning(_first_rule_task(processes), f"Verwendet Entscheidungstabellen ({names}); ob es sie "
                                                         "gibt, prüft die Bereitstellung (oder „--db“).")]
        decisions = ()
    for process in executable:
        try:
            parse_model(raw, process.get("id"), dependencies=context.documents, decisions=decisions)
        except DefinitionError as exc:
            problems += [error(element_id, message) for element_id, message in exc.problems]
        except Exception:  # noqa: BLE001 - a hostile file must yield a finding, never a traceback
            problems.append(error(process.get("id"), spiff_message("")))
    return problems


def _first_rule_task(processes: list) -> str | None:
    for process in processes:
        for el in process.iter(f"{{{BPMN_NS}}}businessRuleTask"):
            return el.get("id")
    return processes[0].get("id") if processes else None
