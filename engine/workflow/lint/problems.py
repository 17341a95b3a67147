"""A lint finding, and the small helpers every check uses to build findings and read BPMN elements."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import BPMN_NS


@dataclass(frozen=True)
class Problem:
    """One lint finding: severity, the BPMN element id ('' for the whole file) and a German message."""

    severity: Literal["error", "warning"]
    element_id: str
    message: str


def error(element_id: str | None, message: str) -> Problem:
    """An error finding; the message is kept to one line."""
    return Problem("error", element_id or "", _one_line(message))


def warning(element_id: str | None, message: str) -> Problem:
    """A warning finding; the message is kept to one line."""
    return Problem("warning", element_id or "", _one_line(message))


def _one_line(message: str) -> str:
    return " ".join(str(message).split())


def bpmn(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def local(el) -> str | None:
    """Local name of a BPMN element, None for foreign namespaces (extensions, diagram interchange)."""
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag[len(BPMN_NS) + 2:] if tag.startswith(f"{{{BPMN_NS}}}") else None
