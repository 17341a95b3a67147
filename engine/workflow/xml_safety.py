"""Parsing untrusted BPMN XML: no DTDs, no entities, no network, bounded size and element count."""
from __future__ import annotations

from lxml import etree

from .library_messages import xml_message

MAX_BYTES = 5 * 1024 * 1024
MAX_ELEMENTS = 20_000


class UnsafeXml(ValueError):
    """The document is too large, malformed, or uses XML features we refuse (DTD, entities)."""


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=True, remove_pis=True)


def parse_xml(data: bytes | str, max_bytes: int = MAX_BYTES, max_elements: int = MAX_ELEMENTS):
    """Parse XML text into an lxml element or raise UnsafeXml with a German reason."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise UnsafeXml(f"Die Datei ist zu groß ({len(raw) // 1024} KB, erlaubt sind {max_bytes // 1024} KB).")
    # A DOCTYPE is the door for entity-expansion bombs and external entities; BPMN never needs one.
    head = raw[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in raw.lower():
        raise UnsafeXml("Die Datei enthält eine DTD oder Entitäten; das ist aus Sicherheitsgründen nicht erlaubt.")
    try:
        root = etree.fromstring(raw, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml(xml_message(exc.msg, exc.lineno)) from None
    if root is None:
        raise UnsafeXml("Die Datei ist leer.")
    if root.getroottree().docinfo.doctype:
        # Also catches encodings (UTF-16) that hide the DOCTYPE from the byte check above.
        raise UnsafeXml("Die Datei enthält eine DTD oder Entitäten; das ist aus Sicherheitsgründen nicht erlaubt.")
    count = sum(1 for _ in root.iter())
    if count > max_elements:
        raise UnsafeXml(f"Die Datei enthält zu viele Elemente ({count}, erlaubt sind {max_elements}).")
    return root
