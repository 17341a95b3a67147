"""Checks a BPMN definition before deployment and reports, in German, everything our runtime cannot run.

SpiffWorkflow's parser stops at the first error and accepts elements our runtime cannot execute (service
tasks, compensation) or silently ignores (conditions on flows out of tasks). The lint walks the XML itself so
an author sees every problem at once, each at its element id; the parser's own findings are added on top.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.forms import UnknownForm, field_names

from .model import BPMN_NS, CAMUNDA_NS, LANE_ROLES, ROLES, DefinitionError, parse_model
from .script_engine import _FORBIDDEN_ATTRS, check_source, unknown_names
from .xml_safety import MAX_BYTES, UnsafeXml, parse_xml

if TYPE_CHECKING:
    from engine.forms import FormRegistry

SUPPORTED = frozenset({
    "startEvent", "endEvent", "userTask", "scriptTask", "manualTask", "task", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent", "subProcess", "callActivity", "sequenceFlow", "laneSet",
    "dataObject", "dataObjectReference", "dataStoreReference", "textAnnotation", "association",
    "documentation", "extensionElements", "ioSpecification", "property", "group",
})
# These run only when they send or receive a message.
MESSAGE_TASKS = frozenset({"sendTask", "receiveTask"})
UNSUPPORTED = {
    "complexGateway": "Komplexe Gateways kann die Laufzeit nicht ausführen.",
    "serviceTask": "Service-Tasks werden nicht unterstützt (es gibt keinen Service-Connector).",
    "businessRuleTask": "Business-Rule-Tasks werden nicht unterstützt (es sind keine DMN-Tabellen "
                        "hinterlegt).",
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
                             "extensionElements", "ioSpecification", "property", "group"})
FLOW_NODES = (SUPPORTED - _NOT_FLOW_NODES) | MESSAGE_TASKS | frozenset(UNSUPPORTED)
CONDITIONAL_GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway"})
ENGINE_NAMES = frozenset({"deadlines", "intake_date", "case_reference", "eligible", "eligibility_reason",
                          "next_review_due", "goals"})
# The runtime lacks these builtins anyway; naming them in a definition is an attempt worth refusing early.
DANGEROUS_BUILTINS = frozenset({
    "open", "exec", "eval", "compile", "getattr", "setattr", "delattr", "globals", "locals", "vars",
    "__import__", "input", "breakpoint", "help", "memoryview", "type", "object", "super", "classmethod",
    "staticmethod", "property",
})
TIMER_EXPECTS = {"timeDate": 'ein Datum, z. B. "2026-01-01T08:00"', "timeDuration": 'eine Dauer, z. B. "P3M"',
                 "timeCycle": 'eine Wiederholung, z. B. "R3/P1W"'}
_ISO_LIKE = re.compile(r"^(R\d*/)?(P[\dT]|\d{4}-\d{2})")


@dataclass(frozen=True)
class Problem:
    """One lint finding: severity, the BPMN element id ('' for the whole file) and a German message."""

    severity: Literal["error", "warning"]
    element_id: str
    message: str


def _error(element_id: str | None, message: str) -> Problem:
    return Problem("error", element_id or "", message)


def _warning(element_id: str | None, message: str) -> Problem:
    return Problem("warning", element_id or "", message)


def _bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def _local(el) -> str | None:
    """Local name of a BPMN element, None for foreign namespaces (extensions, diagram interchange)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag[len(BPMN_NS) + 2:] if tag.startswith(f"{{{BPMN_NS}}}") else None


def lint_definition(xml: bytes | str, forms: FormRegistry | None = None) -> list[Problem]:
    """All findings for one BPMN document, errors first; hostile or broken input yields findings."""
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        root = parse_xml(raw)
    except UnsafeXml as exc:
        return [_error("", "Die Datei ist leer." if not raw.strip() else str(exc))]
    if root.getroottree().docinfo.doctype:
        # parse_xml looks for a DOCTYPE in the raw bytes, which misses UTF-16 documents.
        return [_error("", "Die Datei enthält eine DTD; das ist aus Sicherheitsgründen nicht erlaubt.")]
    if root.tag != _bpmn("definitions"):
        return [_error("", "Die Datei ist kein BPMN-2.0-Dokument (Wurzelelement 'definitions' fehlt).")]
    processes = root.findall(_bpmn("process"))
    if not processes:
        return [_error("", "Die Datei enthält keinen Prozess.")]
    problems: set[Problem] = set()
    for container in root.iter(_bpmn("process"), _bpmn("subProcess")):
        nodes = {el.get("id"): el for el in container if _local(el) in FLOW_NODES}
        flows = [el for el in container if _local(el) == "sequenceFlow"]
        problems.update(_unsupported(container))
        problems.update(_gateways(nodes, flows))
        problems.update(_unreachable(nodes, flows))
    problems.update(_uncaught_events(root))
    problems.update(_user_tasks(root, forms))
    problems.update(_expressions(root, forms))
    # SpiffWorkflow's message for an element we already explain is English and adds nothing.
    explained = {p.element_id for p in problems if p.severity == "error"}
    problems.update(p for p in _parser_problems(raw, processes) if p.element_id not in explained)
    return sorted(problems, key=lambda p: (p.severity != "error", p.element_id, p.message))


def check_files(paths: list[Path], forms: FormRegistry | None = None) -> dict[Path, list[Problem]]:
    """Lint each file; a missing, unreadable or oversized file is one error, never an exception."""
    results: dict[Path, list[Problem]] = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)  # never pull a huge file into memory just to refuse it
            size = Path(path).stat().st_size
        except OSError as exc:
            results[path] = [_error("", f"Datei nicht gefunden/lesbar: {exc.strerror or exc}")]
            continue
        if len(data) > MAX_BYTES:
            results[path] = [_error("", f"Die Datei ist zu groß ({size // 1024} KB, erlaubt sind "
                                        f"{MAX_BYTES // 1024} KB).")]
        else:
            results[path] = lint_definition(data, forms)
    return results


def _unsupported(container) -> list[Problem]:
    """Direct children of a process or subprocess that the runtime cannot execute."""
    problems = []
    for el in container:
        name = _local(el)
        if name is None:
            continue
        if name in UNSUPPORTED:
            problems.append(_error(el.get("id"), UNSUPPORTED[name]))
        elif name in MESSAGE_TASKS:
            if el.get("messageRef") is None and el.find(_bpmn("messageEventDefinition")) is None:
                problems.append(_error(el.get("id"), "Sende- und Empfangsaufgaben ohne Nachricht werden "
                                                     "nicht unterstützt."))
        elif name not in SUPPORTED:
            problems.append(_error(el.get("id"), f"Das Element '{name}' wird von der Laufzeit nicht "
                                                 "unterstützt."))
        for definition in el:
            if _local(definition) in UNSUPPORTED_EVENTS:
                problems.append(_error(el.get("id"), UNSUPPORTED_EVENTS[_local(definition)]))
    return problems


def _condition(flow) -> str | None:
    # SpiffWorkflow treats an empty conditionExpression like a missing one.
    expression = flow.find(_bpmn("conditionExpression"))
    return expression.text if expression is not None else None


def _gateways(nodes: dict, flows: list) -> list[Problem]:
    """Defaults and conditions of diverging gateways; conditions SpiffWorkflow would silently ignore."""
    problems = []
    outgoing = defaultdict(list)
    for flow in flows:
        outgoing[flow.get("sourceRef")].append(flow)
    for node_id, el in nodes.items():
        outs, default = outgoing[node_id], el.get("default")
        if _local(el) not in CONDITIONAL_GATEWAYS:
            problems += [_error(f.get("id"), "Diese Bedingung wird nie ausgewertet: Bedingungen wirken nur "
                                             "an Ausgängen exklusiver oder inklusiver Gateways.")
                         for f in outs if _condition(f) is not None]
            continue
        if default and default not in {f.get("id") for f in outs}:
            problems.append(_error(node_id, f"Der Standardfluss '{default}' geht nicht von diesem Gateway "
                                            "aus."))
        if len(outs) < 2:
            continue
        if not default:
            problems.append(_warning(node_id, "Gateway ohne Standardfluss: trifft keine Bedingung zu, "
                                              "bleibt der Fall hier stehen."))
        problems += [_error(f.get("id"), f"Ausgang von Gateway '{node_id}' ohne Bedingung, der nicht der "
                                         "Standardfluss ist.")
                     for f in outs if _condition(f) is None and f.get("id") != default]
    return problems


def _unreachable(nodes: dict, flows: list) -> list[Problem]:
    """Flow nodes no token can reach from a start event (boundary events ride on their activity)."""
    successors = defaultdict(list)
    for flow in flows:
        successors[flow.get("sourceRef")].append(flow.get("targetRef"))
    for node_id, el in nodes.items():
        if _local(el) == "boundaryEvent":
            successors[el.get("attachedToRef")].append(node_id)
    roots = [i for i, el in nodes.items()
             if _local(el) == "startEvent" or el.get("triggeredByEvent") == "true"]
    if not any(_local(el) == "startEvent" for el in nodes.values()):
        # Without a start event (SpiffWorkflow reports that) every node without incoming flow starts.
        targets = {t for ts in successors.values() for t in ts}
        roots += [i for i in nodes if i not in targets]
    seen: set[str] = set()
    stack = roots
    while stack:
        node_id = stack.pop()
        if node_id in nodes and node_id not in seen:
            seen.add(node_id)
            stack.extend(successors[node_id])
    return [_error(i, "Dieses Element ist vom Start aus nicht erreichbar.") for i in nodes if i not in seen]


def _event_refs(root, definition: str, ref: str, tags: tuple[str, ...]) -> dict[str, str]:
    """Message or signal names referenced by events of the given kinds, mapped to one element id each."""
    refs = {}
    for tag in tags:
        for el in root.iter(_bpmn(tag)):
            for d in el.findall(_bpmn(definition)):
                if d.get(ref):
                    refs.setdefault(d.get(ref), el.get("id"))
            if el.get(ref):
                refs.setdefault(el.get(ref), el.get("id"))
    return refs


def _uncaught_events(root) -> list[Problem]:
    """Catch events waiting for a message or signal nothing in this definition sends."""
    # The runtime has no way to deliver events from outside, so such an event would wait forever.
    problems = []
    for definition, ref, word in (("messageEventDefinition", "messageRef", "Nachricht"),
                                  ("signalEventDefinition", "signalRef", "Signal")):
        thrown = _event_refs(root, definition, ref, ("intermediateThrowEvent", "endEvent", "sendTask"))
        caught = _event_refs(root, definition, ref, ("startEvent", "intermediateCatchEvent", "boundaryEvent",
                                                     "receiveTask"))
        problems += [_error(el_id, f"{word} '{name}' wird in dieser Definition nie gesendet; die Laufzeit "
                                   "nimmt keine Ereignisse von außen an.")
                     for name, el_id in caught.items() if name not in thrown]
    return problems


def _lanes(root) -> dict[str, str]:
    lanes = {}
    for lane in root.iter(_bpmn("lane")):  # document order: nested lanes override their parents
        for ref in lane.findall(_bpmn("flowNodeRef")):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    return lanes


def _user_tasks(root, forms: FormRegistry | None) -> list[Problem]:
    """Every user task needs a known form and a role (lane or candidate group) for the worklist."""
    problems, lanes = [], _lanes(root)
    for task in root.iter(_bpmn("userTask")):
        task_id = task.get("id")
        form_key = (task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip()
        if not form_key:
            problems.append(_error(task_id, "Benutzeraufgabe ohne Formular (camunda:formKey fehlt)."))
        elif forms is not None and form_key not in forms:
            problems.append(_error(task_id, f"Das Formular '{form_key}' ist nicht bekannt."))
        groups = (task.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "").strip()
        lane = lanes.get(task_id, "").strip()
        if groups:
            first = groups.split(",")[0].strip().lower()
            if first not in ROLES:
                problems.append(_error(task_id, f"Unbekannte Rolle '{first}' in camunda:candidateGroups "
                                                f"(erlaubt: {', '.join(ROLES)})."))
        elif not lane:
            problems.append(_error(task_id, "Benutzeraufgabe hat keine Rolle: weder Lane noch "
                                            "camunda:candidateGroups angegeben."))
        elif lane.lower() not in LANE_ROLES:
            problems.append(_error(task_id, f"Die Lane '{lane}' ist keiner Rolle zugeordnet; bitte "
                                            "camunda:candidateGroups angeben."))
    return problems


def _code_problems(source: str, mode: str, defined: frozenset[str] = frozenset()) -> list[str]:
    """German problems of one expression or script, as strict as the restricted engine and a bit stricter.

    `defined` are data keys forms or scripts provide: a form field called `type` is data, not the builtin.
    """
    try:
        problems = check_source(source, mode)
        if problems:
            return problems
        # compile() catches what ast.parse lets through, e.g. 'return' outside a function.
        compile(source, "<bpmn>", mode)
        tree = ast.parse(source, mode=mode)
        names = unknown_names(source, set(defined), mode)
    except SyntaxError as exc:
        return [f"Syntaxfehler in Zeile {exc.lineno}: {exc.msg}"]
    except (RecursionError, MemoryError):
        return ["Der Ausdruck ist zu tief verschachtelt."]
    except ValueError as exc:
        return [f"Der Ausdruck kann nicht übersetzt werden: {exc}"]
    problems = [f"Nicht erlaubte Funktion '{name}'" for name in sorted(names & DANGEROUS_BUILTINS)]
    # check_source misses attribute names in class patterns: `case str(format=f)` reads ''.format.
    problems += [f"Nicht erlaubter Attributzugriff im Muster: {attr}" for node in ast.walk(tree)
                 if isinstance(node, ast.MatchClass) for attr in node.kwd_attrs
                 if attr.startswith("_") or attr in _FORBIDDEN_ATTRS]
    return problems


def _iso_ok(kind: str, value: str) -> bool:
    try:
        if kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(value)
            return True
        parsed = TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception (and others) for bad input
        return False
    return isinstance(parsed, dict) if kind == "timeDuration" else isinstance(parsed, datetime)


def _timer_problems(kind: str, source: str, defined: frozenset[str]) -> list[str]:
    """ISO 8601 checks for literal timer values; other expressions get the ordinary code checks."""
    try:
        body = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        body = None
    if isinstance(body, ast.Constant) and isinstance(body.value, str):
        if _iso_ok(kind, body.value):
            return []
        return [f"Ungültiger Zeitausdruck '{body.value}' (erwartet {TIMER_EXPECTS[kind]})"]
    bare = source.strip()
    if (body is None or isinstance(body, ast.Name)) and _ISO_LIKE.match(bare):
        # Timer values are Python expressions here, so a bare P3M would be read as a variable name.
        if _iso_ok(kind, bare):
            return [f'Zeitangaben müssen in Anführungszeichen stehen: "{bare}"']
        return [f"Ungültiger Zeitausdruck '{bare}' (erwartet {TIMER_EXPECTS[kind]})"]
    return _code_problems(source, "eval", defined)


def _code_sites(root):
    """(element, label, source, mode or timer kind) for every piece of code in the definition."""
    for flow in root.iter(_bpmn("sequenceFlow")):
        if _condition(flow) is not None:
            yield flow, "Bedingung", _condition(flow), "eval"
    for task in root.iter(_bpmn("scriptTask")):
        script = task.find(_bpmn("script"))
        yield task, "Skript", script.text if script is not None else None, "exec"
    for task in root.iter(_bpmn("userTask")):
        if task.get(f"{{{CAMUNDA_NS}}}dueDate") is not None:
            yield task, "Fälligkeitsausdruck", task.get(f"{{{CAMUNDA_NS}}}dueDate"), "eval"
    for timer in root.iter(_bpmn("timerEventDefinition")):
        for child in timer:
            if _local(child) in TIMER_EXPECTS:
                yield timer.getparent(), "Zeitausdruck", child.text, _local(child)
    for tag in ("loopCardinality", "completionCondition", "loopCondition"):
        for el in root.iter(_bpmn(tag)):
            activity = el.getparent().getparent()
            yield (activity if activity is not None else el), "Schleifenausdruck", el.text, "eval"


def _known_names(root, forms: FormRegistry | None) -> frozenset[str]:
    """Top-level data keys some form or script of the definition provides, plus the engine's own."""
    known = set(ENGINE_NAMES)
    for task in root.iter(_bpmn("userTask")) if forms is not None else ():
        try:
            form = forms.get((task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip())
        except UnknownForm:
            continue
        known |= {re.split(r"[.\[]", name)[0] for name in field_names(form)}
    for task in root.iter(_bpmn("scriptTask")):
        script = task.find(_bpmn("script"))
        try:
            tree = ast.parse(script.text or "", mode="exec") if script is not None else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if tree is not None:
            known |= {n.id for n in ast.walk(tree)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return frozenset(known)


def _expressions(root, forms: FormRegistry | None) -> list[Problem]:
    """Code checks for every condition, script, due date, timer and loop; unknown fields in conditions."""
    problems = []
    gateways = {el.get("id") for el in root.iter() if _local(el) and _local(el).endswith("Gateway")}
    known = _known_names(root, forms)
    for el, label, source, mode in _code_sites(root):
        element_id = el.get("id")
        if not (source or "").strip():
            problems.append(_error(element_id, f"{label}: ist leer"))
            continue
        if mode in TIMER_EXPECTS:
            found = _timer_problems(mode, source, known)
        else:
            found = _code_problems(source, mode, known)
        problems += [_error(element_id, f"{label}: {p}") for p in found]
        # Without the forms nobody can tell which fields exist, so only then is a name worth a warning.
        if not found and forms is not None and label == "Bedingung" and el.get("sourceRef") in gateways:
            problems += [_warning(element_id, f"Bedingung verwendet Feld '{name}', das kein Formular erfasst")
                         for name in sorted(unknown_names(source, set(), "eval") - known)]
    return problems


def _parser_problems(raw: bytes, processes: list) -> list[Problem]:
    """What SpiffWorkflow's own parser refuses, for every process our runtime might start."""
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    problems = []
    for process in executable:
        try:
            parse_model(raw, process.get("id"))
        except DefinitionError as exc:
            problems += [_error(element_id, message) for element_id, message in exc.problems]
        except Exception as exc:  # noqa: BLE001 - a hostile file must yield a finding, never a traceback
            problems.append(_error(process.get("id"),
                                   f"Die Prozessdefinition kann nicht gelesen werden: {exc}"))
    return problems


def removed_field_uses(xml: bytes | str, before: FormRegistry, after: FormRegistry) -> list[Problem]:
    """Expressions of a definition that read a field some form provided `before` but no form provides `after`.

    Used when a form is changed: a condition, due date or script that reads a dropped field would fail (or
    silently take the wrong branch) in running cases, so such a form change is refused with the element id.
    """
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        root = parse_xml(raw)
    except UnsafeXml:
        return []
    lost = _known_names(root, before) - _known_names(root, after)
    problems = []
    for el, label, source, mode in _code_sites(root):
        if not lost or not (source or "").strip():
            continue
        try:
            names = unknown_names(source, set(), "exec" if mode == "exec" else "eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        problems += [_error(el.get("id"), f"{label} verwendet das Feld '{name}', das nach der Änderung kein "
                                          "Formular mehr erfasst.") for name in sorted(names & lost)]
    return problems


def forbidden_code(xml: bytes | str) -> list[Problem]:
    """Attempts to leave the restricted environment (imports, dunders, open, eval …) anywhere in a definition.

    A draft may be unfinished, but it is never stored with code like this: such a file is an attack, not work
    in progress. Syntax errors and unknown names are left to the full lint at deploy time.
    """
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        root = parse_xml(raw)
    except UnsafeXml as exc:
        return [_error("", str(exc))]
    problems = []
    for el, label, source, mode in _code_sites(root):
        if not (source or "").strip():
            continue
        mode = "exec" if mode == "exec" else "eval"
        found = [p for p in check_source(source, mode) if p.startswith("Nicht erlaubt")]
        try:
            found += [f"Nicht erlaubte Funktion '{name}'"
                      for name in sorted(unknown_names(source, set(), mode) & DANGEROUS_BUILTINS)
                      if not name.startswith("_")]  # check_source already refuses every _name
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        problems += [_error(el.get("id"), f"{label}: {p}") for p in found]
    return problems
