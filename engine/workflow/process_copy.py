"""A copy of a BPMN document under another process id: for "Neuer Prozess" from a template or an upload."""
from __future__ import annotations

from lxml import etree

from .declarations import BPMN_NS, CAMUNDA_NS, PREFIX
from .xml_safety import parse_xml

# Attributes that name a process by its id (the diagram plane, a pool, a call to itself).
_REFERENCES = ("bpmnElement", "processRef", "calledElement")


def rename_process(xml: str, key: str, name: str, kind: str | None = None) -> str:
    """`xml` with its executable process renamed to id `key` and `name` (and declared `kind`, if given).

    Raises UnsafeXml for a document that is not safe XML; a document without a process is returned unchanged
    (the deploy check then says what is missing).
    """
    root = parse_xml(xml)
    processes = root.findall(f"{{{BPMN_NS}}}process")
    executable = [p for p in processes if p.get("isExecutable") == "true"] or processes
    if not executable:
        return xml
    process = executable[0]
    old = process.get("id")
    process.set("id", key)
    process.set("name", name)
    if old and old != key:
        for el in root.iter():
            for attribute in _REFERENCES:
                if el.get(attribute) == old:
                    el.set(attribute, key)
    if kind:
        _declare(process, "kind", kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def _declare(process, name: str, value: str) -> None:
    ext = process.find(f"{{{BPMN_NS}}}extensionElements")
    if ext is None:
        ext = etree.Element(f"{{{BPMN_NS}}}extensionElements")
        process.insert(0, ext)  # BPMN wants extension elements first (after documentation, which we keep apart)
        documentation = process.find(f"{{{BPMN_NS}}}documentation")
        if documentation is not None:
            documentation.addnext(ext)
    props = ext.find(f"{{{CAMUNDA_NS}}}properties")
    if props is None:
        props = etree.SubElement(ext, f"{{{CAMUNDA_NS}}}properties")
    for prop in props.findall(f"{{{CAMUNDA_NS}}}property"):
        if prop.get("name") == PREFIX + name:
            prop.set("value", value)
            return
    etree.SubElement(props, f"{{{CAMUNDA_NS}}}property", name=PREFIX + name, value=value)
