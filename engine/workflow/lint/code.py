"""Checks of the code in a definition: conditions, scripts, due dates, timers and loops, as strict as the
restricted engine (and a bit stricter), plus the data names forms and scripts provide."""
from __future__ import annotations

import ast
import re
from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.forms import UnknownForm, field_names

from ..library_messages import syntax_message
from ..model import CAMUNDA_NS
from ..script_engine import _FORBIDDEN_ATTRS, check_source, unknown_names
from ..timers import DurationTooLong, checked_duration, checked_recurring
from .flow import condition
from .problems import Problem, bpmn, error, local, warning

if TYPE_CHECKING:
    from engine.forms import FormRegistry

ENGINE_NAMES = frozenset({"deadlines", "intake_date", "case_reference", "eligible", "eligibility_reason",
                          "next_review_due", "goals", "step_completed_on"})
# The runtime lacks these builtins anyway; naming them in a definition is an attempt worth refusing early.
DANGEROUS_BUILTINS = frozenset({
    "open", "exec", "eval", "compile", "getattr", "setattr", "delattr", "globals", "locals", "vars",
    "__import__", "input", "breakpoint", "help", "memoryview", "type", "object", "super", "classmethod",
    "staticmethod", "property",
})
TIMER_EXPECTS = {"timeDate": 'ein Datum, z. B. "2026-01-01T08:00"', "timeDuration": 'eine Dauer, z. B. "P3M"',
                 "timeCycle": 'eine Wiederholung, z. B. "R3/P1W"'}
ISO_LIKE = re.compile(r"^(R\d*/)?(P[\dT]|\d{4}-\d{2})")


def code_problems(source: str, mode: str, defined: frozenset[str] = frozenset()) -> list[str]:
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
        return [syntax_message(exc)]
    except (RecursionError, MemoryError):
        return ["Der Ausdruck ist zu tief verschachtelt."]
    except ValueError:
        return ["Der Ausdruck kann nicht übersetzt werden: er enthält unzulässige Zeichen oder Werte."]
    problems = [f"Nicht erlaubte Funktion '{name}'" for name in sorted(names & DANGEROUS_BUILTINS)]
    # check_source misses attribute names in class patterns: `case str(format=f)` reads ''.format.
    problems += [f"Nicht erlaubter Attributzugriff im Muster: {attr}" for node in ast.walk(tree)
                 if isinstance(node, ast.MatchClass) for attr in node.kwd_attrs
                 if attr.startswith("_") or attr in _FORBIDDEN_ATTRS]
    return problems


def limit_warnings(source: str) -> list[str]:
    """Where a script may run into its execution limits: loops without a visible end, functions calling themselves."""
    tree = ast.parse(source, mode="exec")
    found = []
    for node in ast.walk(tree):
        endless = isinstance(node, ast.While) and isinstance(node.test, ast.Constant) and node.test.value
        if endless and not any(isinstance(n, (ast.Break, ast.Return)) for n in ast.walk(node)):
            found.append("Schleife ohne erkennbares Ende: sie wird am Zeitlimit abgebrochen und der Schritt "
                         "schlägt fehl.")
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == node.name
                for n in ast.walk(node)):
            found.append(f"Die Funktion „{node.name}“ ruft sich selbst auf: zu tiefe Rekursion bricht den Schritt "
                         "ab.")
    return found


def iso_problem(kind: str, value: str) -> str | None:
    """What is wrong with a literal timer value, or None."""
    expected = f"Ungültiger Zeitausdruck '{value}' (erwartet {TIMER_EXPECTS[kind]})"
    try:
        if kind == "timeCycle":
            checked_recurring(value)
            return None
        if kind == "timeDuration":
            checked_duration(value)
            return None
        parsed = TimerEventDefinition.parse_time_or_duration(value)
    except DurationTooLong as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception (and others) for bad input
        return expected
    return None if isinstance(parsed, datetime) else expected


def timer_problems(kind: str, source: str, defined: frozenset[str]) -> list[str]:
    """ISO 8601 checks for literal timer values; other expressions get the ordinary code checks."""
    try:
        body = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        body = None
    if isinstance(body, ast.Constant) and isinstance(body.value, str):
        problem = iso_problem(kind, body.value)
        return [problem] if problem else []
    bare = source.strip()
    if (body is None or isinstance(body, ast.Name)) and ISO_LIKE.match(bare):
        # Timer values are Python expressions here, so a bare P3M would be read as a variable name.
        problem = iso_problem(kind, bare)
        return [problem or f'Zeitangaben müssen in Anführungszeichen stehen: "{bare}"']
    return code_problems(source, "eval", defined)


def code_sites(root):
    """(element, label, source, mode or timer kind) for every piece of code in the definition."""
    for flow in root.iter(bpmn("sequenceFlow")):
        if condition(flow) is not None:
            yield flow, "Bedingung", condition(flow), "eval"
    for task in root.iter(bpmn("scriptTask")):
        script = task.find(bpmn("script"))
        yield task, "Skript", script.text if script is not None else None, "exec"
    for task in root.iter(bpmn("userTask")):
        if task.get(f"{{{CAMUNDA_NS}}}dueDate") is not None:
            yield task, "Fälligkeitsausdruck", task.get(f"{{{CAMUNDA_NS}}}dueDate"), "eval"
    for timer in root.iter(bpmn("timerEventDefinition")):
        for child in timer:
            if local(child) in TIMER_EXPECTS:
                yield timer.getparent(), "Zeitausdruck", child.text, local(child)
    for definition in root.iter(bpmn("messageEventDefinition")):
        expression = definition.get(f"{{{CAMUNDA_NS}}}expression")
        if expression is not None and expression.strip():
            yield definition.getparent(), "Nachrichteninhalt", expression, "eval"
    for tag in ("loopCardinality", "completionCondition", "loopCondition"):
        for el in root.iter(bpmn(tag)):
            activity = el.getparent().getparent()
            yield (activity if activity is not None else el), "Schleifenausdruck", el.text, "eval"


def known_names(root, forms: FormRegistry | None) -> frozenset[str]:
    """Top-level data keys some form or script of the definition provides, plus the engine's own."""
    known = set(ENGINE_NAMES)
    for task in root.iter(bpmn("userTask")) if forms is not None else ():
        try:
            form = forms.get((task.get(f"{{{CAMUNDA_NS}}}formKey") or "").strip())
        except UnknownForm:
            continue
        known |= {re.split(r"[.\[]", name)[0] for name in field_names(form)}
    for task in root.iter(bpmn("scriptTask")):
        script = task.find(bpmn("script"))
        try:
            tree = ast.parse(script.text or "", mode="exec") if script is not None else None
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if tree is not None:
            known |= {n.id for n in ast.walk(tree)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return frozenset(known)


def expressions(root, forms: FormRegistry | None) -> list[Problem]:
    """Code checks for every condition, script, due date, timer and loop; unknown fields in conditions."""
    problems = []
    gateways = {el.get("id") for el in root.iter() if local(el) and local(el).endswith("Gateway")}
    known = known_names(root, forms)
    for el, label, source, mode in code_sites(root):
        element_id = el.get("id")
        if not (source or "").strip():
            problems.append(error(element_id, f"{label}: ist leer"))
            continue
        if mode in TIMER_EXPECTS:
            found = timer_problems(mode, source, known)
        else:
            found = code_problems(source, mode, known)
        problems += [error(element_id, f"{label}: {p}") for p in found]
        if not found and mode == "exec":
            problems += [warning(element_id, f"{label}: {w}") for w in limit_warnings(source)]
        # Without the forms nobody can tell which fields exist, so only then is a name worth a warning.
        if not found and forms is not None and label == "Bedingung" and el.get("sourceRef") in gateways:
            problems += [warning(element_id, f"Bedingung verwendet Feld '{name}', das kein Formular erfasst")
                         for name in sorted(unknown_names(source, set(), "eval") - known)]
        if not found and forms is not None and label == "Fälligkeitsausdruck":
            problems += [warning(element_id, f"Die Fälligkeit verwendet das Feld '{name}', das kein Formular "
                                             "dieses Prozesses erfasst; die Aufgabe könnte nicht angelegt werden.")
                         for name in sorted(unknown_names(source, set(), "eval") - known)]
    return problems
