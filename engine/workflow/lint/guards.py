"""Checks outside the full lint: code that tries to leave the restricted engine (even in a draft), and
fields a changed form would no longer provide although the definition reads them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..script_engine import check_source, unknown_names
from ..xml_safety import UnsafeXml, parse_xml
from .code import DANGEROUS_BUILTINS, code_sites, known_names
from .problems import Problem, error

if TYPE_CHECKING:
    from engine.forms import FormRegistry


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
    lost = known_names(root, before) - known_names(root, after)
    problems = []
    for el, label, source, mode in code_sites(root):
        if not lost or not (source or "").strip():
            continue
        try:
            names = unknown_names(source, set(), "exec" if mode == "exec" else "eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        problems += [error(el.get("id"), f"{label} verwendet das Feld '{name}', das nach der Änderung kein "
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
        return [error("", str(exc))]
    problems = []
    for el, label, source, mode in code_sites(root):
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
        problems += [error(el.get("id"), f"{label}: {p}") for p in found]
    return problems
