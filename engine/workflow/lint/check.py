"""The full lint of one BPMN document or of files: every check, errors first, never an exception."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..xml_safety import MAX_BYTES, UnsafeXml, parse_xml
from .calls import call_problems
from .code import expressions
from .context import DeployContext
from .declarations import declaration_problems
from .elements import FLOW_NODES, parser_problems, unsupported
from .flow import gateways, message_payloads, uncaught_events, unreachable
from .problems import Problem, bpmn, error, local
from .reserved import reserved_ids
from .user_tasks import user_tasks

if TYPE_CHECKING:
    from engine.forms import FormRegistry


def lint_definition(xml: bytes | str, forms: FormRegistry | None = None,
                    context: DeployContext | None = None) -> list[Problem]:
    """All findings for one BPMN document, errors first; hostile or broken input yields findings.

    With a `context` (the deploy gate) the file is also checked against the installation: its key, the journey,
    the deployed processes it calls, and the fields its declared steps need.
    """
    context = context or DeployContext()
    raw = xml.encode("utf-8") if isinstance(xml, str) else xml
    try:
        root = parse_xml(raw)
    except UnsafeXml as exc:
        return [error("", "Die Datei ist leer." if not raw.strip() else str(exc))]
    if root.getroottree().docinfo.doctype:
        # parse_xml looks for a DOCTYPE in the raw bytes, which misses UTF-16 documents.
        return [error("", "Die Datei enthält eine DTD; das ist aus Sicherheitsgründen nicht erlaubt.")]
    if root.tag != bpmn("definitions"):
        return [error("", "Die Datei ist kein BPMN-2.0-Dokument (Wurzelelement 'definitions' fehlt).")]
    processes = root.findall(bpmn("process"))
    if not processes:
        return [error("", "Die Datei enthält keinen Prozess.")]
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    problems: set[Problem] = set()
    for container in root.iter(bpmn("process"), bpmn("subProcess")):
        nodes = {el.get("id"): el for el in container if local(el) in FLOW_NODES}
        flows = [el for el in container if local(el) == "sequenceFlow"]
        problems.update(unsupported(container))
        problems.update(gateways(nodes, flows))
        problems.update(unreachable(container, nodes, flows))
    problems.update(uncaught_events(root))
    problems.update(message_payloads(root))
    problems.update(reserved_ids(root))
    problems.update(user_tasks(root, forms, context.draft_forms))
    problems.update(expressions(root, forms))
    problems.update(declaration_problems(root, executable[0], forms, context))
    problems.update(call_problems(root, executable[0], context))
    # SpiffWorkflow's message for an element we already explain is English and adds nothing.
    explained = {p.element_id for p in problems if p.severity == "error"} - {p.get("id") for p in processes}
    problems.update(p for p in parser_problems(raw, processes, context) if p.element_id not in explained)
    return sorted(problems, key=lambda p: (p.severity != "error", p.element_id, p.message))


def check_files(paths: list[Path], forms: FormRegistry | None = None,
                context_for=None) -> dict[Path, list[Problem]]:
    """Lint each file; a missing, unreadable or oversized file is one error, never an exception.

    `context_for(xml)` gives the deploy context of a file (checking against an installation), if any.
    """
    results: dict[Path, list[Problem]] = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)  # never pull a huge file into memory just to refuse it
            size = Path(path).stat().st_size
        except OSError:  # the operating system's text is English; the path is in the line already
            results[path] = [error("", "Datei nicht gefunden oder nicht lesbar: bitte Pfad und Rechte prüfen.")]
            continue
        if len(data) > MAX_BYTES:
            results[path] = [error("", f"Die Datei ist zu groß ({size // 1024} KB, erlaubt sind "
                                        f"{MAX_BYTES // 1024} KB).")]
        else:
            results[path] = lint_definition(data, forms, context_for(data) if context_for else None)
    return results
