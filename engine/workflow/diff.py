"""Compare two BPMN documents element by element: what was added, removed or changed, described in German."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .model import BPMN_NS, CAMUNDA_NS
from .xml_safety import parse_xml

TYPE_LABELS = {
    "startEvent": "Startereignis", "endEvent": "Endereignis", "userTask": "Benutzeraufgabe",
    "scriptTask": "Skriptaufgabe", "manualTask": "Manuelle Aufgabe", "task": "Aufgabe",
    "serviceTask": "Service-Task", "sendTask": "Sendeaufgabe", "receiveTask": "Empfangsaufgabe",
    "businessRuleTask": "Geschäftsregelaufgabe", "exclusiveGateway": "Exklusives Gateway",
    "parallelGateway": "Paralleles Gateway", "inclusiveGateway": "Inklusives Gateway",
    "eventBasedGateway": "Ereignisbasiertes Gateway", "complexGateway": "Komplexes Gateway",
    "intermediateCatchEvent": "Zwischenereignis", "intermediateThrowEvent": "Auslösendes Zwischenereignis",
    "boundaryEvent": "Randereignis", "subProcess": "Teilprozess", "callActivity": "Aufrufaktivität",
    "sequenceFlow": "Sequenzfluss", "lane": "Lane",
}
# Attributes compared, in the order their changes are listed, with their German labels.
ASPECTS = (("type", "Typ"), ("name", "Name"), ("form_key", "Formular"), ("candidate_groups", "Rolle"),
           ("due_date", "Fälligkeit"), ("condition", "Bedingung"), ("timer", "Zeitgeber"), ("script", "Skript"),
           ("documentation", "Dokumentation"), ("source", "Quelle"), ("target", "Ziel"),
           ("incoming", "Eingehende Flüsse"), ("outgoing", "Ausgehende Flüsse"), ("lane", "Lane"),
           ("default", "Standardfluss"), ("attached_to", "Angeheftet an"))


@dataclass(frozen=True)
class ElementChange:
    """One element that differs between the versions, with a German line per changed aspect."""

    element_id: str
    kind: Literal["added", "removed", "changed"]
    type_label: str
    name: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class DefinitionDiff:
    """Added, removed and changed elements of the newer version relative to the older."""

    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)

    def ids(self) -> dict[str, list[str]]:
        """Element ids per kind, for the diagram markers."""
        return {"added": [c.element_id for c in self.added], "removed": [c.element_id for c in self.removed],
                "changed": [c.element_id for c in self.changed]}

    @property
    def empty(self) -> bool:
        """True when both versions describe the same process."""
        return not (self.added or self.removed or self.changed)


def _local(el) -> str | None:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag[len(BPMN_NS) + 2:] if tag.startswith(f"{{{BPMN_NS}}}") else None


def _text(el, name: str) -> str:
    child = el.find(f"{{{BPMN_NS}}}{name}")
    return (child.text or "").strip() if child is not None else ""


def _timer(el) -> str:
    for definition in el.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        for child in definition:
            if _local(child) in ("timeDate", "timeDuration", "timeCycle"):
                return f"{_local(child)} {(child.text or '').strip()}"
    return ""


def _elements(xml: bytes | str) -> dict[str, dict[str, str]]:
    """Every flow element and lane by id with the aspects we compare, as plain strings."""
    root = parse_xml(xml.encode("utf-8") if isinstance(xml, str) else xml)
    lanes = {}
    for lane in root.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall(f"{{{BPMN_NS}}}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane.get("name") or lane.get("id") or ""
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow.get("id") or "")
        incoming.setdefault(flow.get("targetRef") or "", []).append(flow.get("id") or "")
    found: dict[str, dict[str, str]] = {}
    for el in root.iter():
        kind = _local(el)
        if kind not in TYPE_LABELS or not el.get("id"):
            continue
        element_id = el.get("id")
        script = el.find(f"{{{BPMN_NS}}}script") if kind == "scriptTask" else None
        found[element_id] = {
            "type": kind, "name": (el.get("name") or "").strip(),
            "form_key": el.get(f"{{{CAMUNDA_NS}}}formKey") or "",
            "candidate_groups": el.get(f"{{{CAMUNDA_NS}}}candidateGroups") or "",
            "due_date": el.get(f"{{{CAMUNDA_NS}}}dueDate") or "",
            "condition": _text(el, "conditionExpression") if kind == "sequenceFlow" else "",
            "timer": _timer(el) if kind.endswith("Event") else "",
            "script": (script.text or "").strip() if script is not None else "",
            "documentation": _text(el, "documentation"),
            "source": el.get("sourceRef") or "", "target": el.get("targetRef") or "",
            "incoming": ", ".join(sorted(incoming.get(element_id, []))),
            "outgoing": ", ".join(sorted(outgoing.get(element_id, []))),
            "lane": lanes.get(element_id, "") if kind != "lane" else "",
            "default": el.get("default") or "", "attached_to": el.get("attachedToRef") or "",
        }
    return found


def _quote(value: str) -> str:
    value = value if len(value) <= 80 else value[:77] + "…"
    return f"„{value}“" if value else "(leer)"


def _describe(old: dict[str, str], new: dict[str, str]) -> tuple[str, ...]:
    lines = []
    for aspect, label in ASPECTS:
        before, after = old[aspect], new[aspect]
        if before == after:
            continue
        if aspect == "type":
            before, after = TYPE_LABELS.get(before, before), TYPE_LABELS.get(after, after)
        lines.append(f"{label}: {_quote(before)} → {_quote(after)}")
    return tuple(lines)


def diff_definitions(old_xml: bytes | str, new_xml: bytes | str) -> DefinitionDiff:
    """Added, removed and changed elements between two BPMN documents (raises UnsafeXml for hostile input)."""
    old, new = _elements(old_xml), _elements(new_xml)
    result = DefinitionDiff()
    for element_id, attrs in new.items():
        label = TYPE_LABELS.get(attrs["type"], attrs["type"])
        if element_id not in old:
            result.added.append(ElementChange(element_id, "added", label, attrs["name"]))
        else:
            details = _describe(old[element_id], attrs)
            if details:
                result.changed.append(ElementChange(element_id, "changed", label, attrs["name"], details))
    for element_id, attrs in old.items():
        if element_id not in new:
            result.removed.append(ElementChange(element_id, "removed", TYPE_LABELS.get(attrs["type"], attrs["type"]),
                                                attrs["name"]))
    return result
