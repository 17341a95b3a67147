"""Checks of the sequence flow: gateway conditions and defaults, reachability, events nothing sends."""
from __future__ import annotations

from collections import defaultdict

from ..declarations import CAMUNDA_NS
from .problems import Problem, bpmn, error, local, warning

CONDITIONAL_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway"})


def condition(flow) -> str | None:
    # SpiffWorkflow treats an empty conditionExpression like a missing one.
    expression = flow.find(bpmn("conditionExpression"))
    return expression.text if expression is not None else None


def gateways(nodes: dict, flows: list) -> list[Problem]:
    """Defaults and conditions of diverging gateways; conditions SpiffWorkflow would silently ignore."""
    problems = []
    outgoing = defaultdict(list)
    for flow in flows:
        outgoing[flow.get("sourceRef")].append(flow)
    for node_id, el in nodes.items():
        outs, default = outgoing[node_id], el.get("default")
        if local(el) not in CONDITIONAL_GATEWAYS:
            problems += [error(f.get("id"), "Diese Bedingung wird nie ausgewertet: Bedingungen wirken nur "
                                             "an Ausgängen exklusiver oder inklusiver Gateways.")
                         for f in outs if condition(f) is not None]
            continue
        if default and default not in {f.get("id") for f in outs}:
            problems.append(error(node_id, f"Der Standardfluss '{default}' geht nicht von diesem Gateway "
                                            "aus."))
        if len(outs) < 2:
            continue
        if not default:
            problems.append(warning(node_id, "Gateway ohne Standardfluss: trifft keine Bedingung zu, "
                                              "bleibt der Fall hier stehen."))
        problems += [error(f.get("id"), f"Ausgang von Gateway '{node_id}' ohne Bedingung, der nicht der "
                                         "Standardfluss ist.")
                     for f in outs if condition(f) is None and f.get("id") != default]
    return problems


def unreachable(container, nodes: dict, flows: list) -> list[Problem]:
    """Flow nodes no token can reach from a start event (boundary events ride on their activity), and a process
    whose end no token can reach (its cases would never finish)."""
    successors = defaultdict(list)
    for flow in flows:
        successors[flow.get("sourceRef")].append(flow.get("targetRef"))
    for node_id, el in nodes.items():
        if local(el) == "boundaryEvent":
            successors[el.get("attachedToRef")].append(node_id)
    roots = [i for i, el in nodes.items()
             if local(el) == "startEvent" or el.get("triggeredByEvent") == "true"]
    if not any(local(el) == "startEvent" for el in nodes.values()):
        # Without a start event (SpiffWorkflow reports that) every node without incoming flow starts.
        targets = {t for ts in successors.values() for t in ts}
        roots += [i for i in nodes if i not in targets]
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        node_id = stack.pop()
        if node_id in nodes and node_id not in seen:
            seen.add(node_id)
            stack.extend(successors[node_id])
    problems = [error(i, "Dieses Element ist vom Start aus nicht erreichbar.") for i in nodes if i not in seen]
    ends = [i for i, el in nodes.items() if local(el) == "endEvent"]
    if local(container) == "process" and not ends:
        problems.append(error(container.get("id"), "Der Prozess hat kein Endereignis: ein Fall käme nie zum "
                                                   "Abschluss. Bitte ein Endereignis anlegen."))
    elif ends and not any(i in seen for i in ends) and roots:
        problems.append(error(container.get("id"), "Kein Endereignis ist vom Start aus erreichbar: ein Fall käme "
                                                   "nie zum Abschluss."))
    return problems


def event_refs(root, definition: str, ref: str, tags: tuple[str, ...]) -> dict[str, str]:
    """Message or signal names referenced by events of the given kinds, mapped to one element id each."""
    refs = {}
    for tag in tags:
        for el in root.iter(bpmn(tag)):
            for d in el.findall(bpmn(definition)):
                if d.get(ref):
                    refs.setdefault(d.get(ref), el.get("id"))
            if el.get(ref):
                refs.setdefault(el.get(ref), el.get("id"))
    return refs


def uncaught_events(root) -> list[Problem]:
    """Catch events waiting for a message or signal nothing in this definition sends."""
    # The runtime has no way to deliver events from outside, so such an event would wait forever.
    problems = []
    for definition, ref, word in (("messageEventDefinition", "messageRef", "Nachricht"),
                                  ("signalEventDefinition", "signalRef", "Signal")):
        thrown = event_refs(root, definition, ref, ("intermediateThrowEvent", "endEvent", "sendTask"))
        caught = event_refs(root, definition, ref, ("startEvent", "intermediateCatchEvent", "boundaryEvent",
                                                     "receiveTask"))
        problems += [error(el_id, f"{word} '{name}' wird in dieser Definition nie gesendet; die Laufzeit "
                                   "nimmt keine Ereignisse von außen an.")
                     for name, el_id in caught.items() if name not in thrown]
    return problems


MESSAGE_THROWS = ("intermediateThrowEvent", "endEvent")


def message_payloads(root) -> list[Problem]:
    """Message throw events need the expression whose value the message carries (the runtime evaluates it)."""
    problems = []
    for tag in MESSAGE_THROWS:
        for el in root.iter(bpmn(tag)):
            for definition in el.findall(bpmn("messageEventDefinition")):
                if not (definition.get(f"{{{CAMUNDA_NS}}}expression") or "").strip():
                    problems.append(error(el.get("id"), "Die Nachricht hat keinen Inhalt: bitte bei der Nachricht "
                                                        "einen Ausdruck angeben (camunda:expression), z. B. "
                                                        "„True“ oder den Namen eines Feldes."))
    return problems
