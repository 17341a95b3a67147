"""Checking a DMN decision table before it is deployed: every problem on its table, rule and column cell.

Structure and hit policy, expressions as strict as the restricted engine, input names unknown to the processes,
and — by probing the values the cells name — rules that overlap under UNIQUE and inputs no rule covers.
"""
from __future__ import annotations

import ast
import itertools

from ..decisions import HIT_POLICIES, DecisionError, parse_decision
from ..script_engine import RestrictedScriptEngine, check_source, unknown_names
from .problems import Problem, error, warning

MAX_PROBES = 4000
_OTHER = "anderer Wert"


def check_decision(xml: bytes | str, known: frozenset[str] | None = None) -> list[Problem]:
    """All findings for one DMN document; `known` are the data names processes provide (None: not checked)."""
    try:
        engine = parse_decision(xml)
    except DecisionError as exc:
        return [error("", str(exc))]
    table = engine.decision_table
    name = engine.name
    problems: list[Problem] = []
    if table.hit_policy not in HIT_POLICIES:
        problems.append(error(table.id, f"Tabelle „{name}“: Trefferrichtlinie „{table.hit_policy}“ wird nicht "
                                        f"unterstützt (erlaubt: {', '.join(HIT_POLICIES)})."))
    if not table.rules:
        problems.append(warning(table.id, f"Tabelle „{name}“ hat keine Regeln."))
    problems += _column_problems(table, name, known)
    cell_problems = _cell_problems(table, name, known)
    problems += cell_problems
    if not cell_problems and table.hit_policy in ("UNIQUE", "FIRST") and table.rules:
        problems += _coverage_problems(engine, name)
    return sorted(problems, key=lambda p: p.severity != "error")


def _column_problems(table, name: str, known) -> list[Problem]:
    problems = []
    for column in table.inputs:
        label = column.label or column.id
        if not (column.expression or "").strip():
            problems.append(error(column.id, f"Tabelle „{name}“, Eingabe „{label}“: Ausdruck fehlt."))
            continue
        found = check_source(column.expression)
        if found:
            problems.append(error(column.id, f"Tabelle „{name}“, Eingabe „{label}“: {'; '.join(found)}"))
        elif known is not None:
            unknown = sorted(unknown_names(column.expression, set(known)))
            if unknown:
                problems.append(error(column.id, f"Tabelle „{name}“, Eingabe „{label}“: unbekanntes Feld "
                                                 f"{', '.join(unknown)} (kein Formular und kein Skript liefert es)."))
    for output in table.outputs:
        if not (output.name or "").isidentifier():
            problems.append(error(output.id, f"Tabelle „{name}“, Ausgabe „{output.label or output.id}“: der Name "
                                             "muss ein gültiger Feldname sein (z. B. review_months)."))
    return problems


def _cell_problems(table, name: str, known) -> list[Problem]:
    problems = []
    known_names = set(known or ()) | {"dmninputexpr"}
    for rule in table.rules:
        for entry in rule.inputEntries:
            cell = (entry.lhs[0] or "").strip() if entry.lhs else ""
            if not cell or cell == "-":
                continue
            where = f"Tabelle „{name}“, Regel {rule.row_number}, Spalte „{entry.input.label or entry.input.id}“"
            source = _cell_source(cell)
            found = check_source(source)
            if found:
                problems.append(error(entry.id, f"{where}: {'; '.join(found)}"))
            elif known is not None and (unknown := sorted(unknown_names(source, known_names | {"v"}))):
                problems.append(error(entry.id, f"{where}: unbekanntes Feld {', '.join(unknown)}."))
        for entry in rule.outputEntries:
            text = (entry.text or "").strip()
            where = f"Tabelle „{name}“, Regel {rule.row_number}, Ausgabe „{entry.output.label or entry.output.id}“"
            if not text:
                continue
            found = check_source(text)
            if found:
                problems.append(error(entry.id, f"{where}: {'; '.join(found)}"))
            elif known is not None and (unknown := sorted(unknown_names(text, set(known)))):
                problems.append(error(entry.id, f"{where}: unbekanntes Feld {', '.join(unknown)}."))
    return problems


def _cell_source(cell: str) -> str:
    """The cell as the engine runs it: `?` is the input; an operator cell gets an operand in front."""
    if "?" in cell:
        return cell.replace("?", "dmninputexpr")
    if not check_source(cell) or check_source(f"v {cell}"):
        return cell  # a plain value, or broken either way: then the cell's own problem is the one to report
    return f"v {cell}"


def _coverage_problems(engine, name: str) -> list[Problem]:
    """Overlaps (UNIQUE) and gaps (UNIQUE, FIRST) found by probing the values the cells mention."""
    table = engine.decision_table
    probes = [_probes(table, i) for i in range(len(table.inputs))]
    if not table.inputs or any(p is None for p in probes):
        return []  # a column compares with other data (e.g. `? > intake_date`): not decidable by probing
    total = 1
    for values in probes:
        total *= len(values)
    if total > MAX_PROBES:
        return []
    script_engine = RestrictedScriptEngine()
    problems, overlaps, gaps = [], set(), []
    for combination in itertools.product(*probes):
        matched = []
        for rule in table.rules:
            hit = _rule_matches(engine, rule, combination, script_engine)
            if hit is None:
                return []
            if hit:
                matched.append(rule)
        if not matched and len(gaps) < 3:
            gaps.append(combination)
        if table.hit_policy == "UNIQUE" and len(matched) > 1:
            pair = tuple(r.row_number for r in matched[:2])
            if pair not in overlaps:
                overlaps.add(pair)
                first, second = matched[:2]
                problems.append(error(second.inputEntries[0].id if second.inputEntries else table.id,
                                      f"Tabelle „{name}“, Regel {pair[1]}: überschneidet sich mit Regel {pair[0]} "
                                      f"(beide treffen zu bei {_describe(table, combination)}); UNIQUE verlangt "
                                      "genau eine Regel."))
    for combination in gaps:
        problems.append(warning(table.id, f"Tabelle „{name}“: Lücke – keine Regel trifft zu bei "
                                          f"{_describe(table, combination)}."))
    return problems


def _rule_matches(engine, rule, combination, script_engine) -> bool | None:
    for entry, value in zip(rule.inputEntries, combination, strict=False):
        cell = (entry.lhs[0] or "").strip() if entry.lhs else ""
        if not cell or cell == "-":
            continue
        source = _cell_source(cell)
        source = source.replace("v ", "(dmninputexpr) ", 1) if source.startswith("v ") else \
            (source if "?" in cell else f"(dmninputexpr) == ({cell})")
        try:
            if not script_engine.environment.evaluate(source, {"dmninputexpr": value}):
                return False
        except Exception:  # noqa: BLE001 - a cell that needs other data cannot be probed
            return None
    return True


def _probes(table, index: int) -> list | None:
    """Values worth trying for one column: the constants its cells name, their neighbours, another value."""
    constants, operators = [], False
    for rule in table.rules:
        entry = rule.inputEntries[index] if index < len(rule.inputEntries) else None
        cell = (entry.lhs[0] or "").strip() if entry is not None and entry.lhs else ""
        if not cell or cell == "-":
            continue
        source = _cell_source(cell)
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError:
            return None
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - {"v", "dmninputexpr", "True", "False",
                                                                             "None"}
        if names:
            return None
        operators = operators or source != cell or "?" in cell
        constants += [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    values: list = []
    for c in constants:
        if isinstance(c, bool) or c is None or isinstance(c, str):
            candidates = [c]
        elif isinstance(c, (int, float)):
            candidates = [c - 1, c, c + 1] + ([c - 0.5, c + 0.5] if isinstance(c, float) else [])
        else:
            continue
        values += [v for v in candidates if v not in values]
    if operators or not values:
        if any(isinstance(v, str) for v in values) or not values:
            values.append(_OTHER)
    return values


def _describe(table, combination) -> str:
    return ", ".join(f"{column.label or column.id} = {value!r}" for column, value in zip(table.inputs, combination,
                                                                                         strict=False))


def decision_data_names(forms, bpmn_documents: tuple[bytes | str, ...] = ()) -> frozenset[str]:
    """Data names a table may read: engine names, every form field, and what the processes' scripts assign."""
    from engine.forms import field_names

    from ..xml_safety import UnsafeXml, parse_xml
    from .code import ENGINE_NAMES

    names = set(ENGINE_NAMES)
    for form_id in forms.ids() if forms is not None else ():
        names |= {n.split(".")[0].split("[")[0] for n in field_names(forms.get(form_id))}
    for document in bpmn_documents:
        try:
            root = parse_xml(document)
        except UnsafeXml:
            continue
        for script in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}script"):
            try:
                tree = ast.parse(script.text or "", mode="exec")
            except (SyntaxError, ValueError):
                continue
            names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return frozenset(names)
