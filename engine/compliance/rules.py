"""The mandated-step rules file: YAML parsed with line numbers, checked by schema and against the process.

A refused file raises `RulesError` listing every problem as (line, German reason); nothing else changes.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import yaml
from marshmallow import ValidationError

from engine.errors import InvalidInput

from .rule_schema import PARAM_SCHEMAS, RuleFileSchema
from .rule_targets import RuleTargets, check_targets

MAX_BYTES = 64 * 1024


class RulesError(InvalidInput):
    """The rules file was refused; `problems` lists (line or None, German reason)."""

    def __init__(self, problems: list[tuple[int | None, str]]):
        self.problems = sorted(problems, key=lambda p: (p[0] or 0, p[1]))
        lines = [f"Zeile {line}: {reason}" if line else reason for line, reason in self.problems]
        super().__init__("Die Regeldatei wurde nicht übernommen: " + "; ".join(lines),
                         {"source": "\n".join(lines)})


@dataclass(frozen=True)
class Rule:
    """One mandated-step rule: what is checked (kind, params) and how it is explained (title, fix)."""

    id: str
    kind: str
    title: str
    fix: str
    params: dict = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class RuleSet:
    """A validated rules file: the rules in file order, the at-risk horizon and the source's checksum."""

    rules: tuple[Rule, ...]
    at_risk_days: int
    checksum: str

    def by_id(self, rule_id: str) -> Rule | None:
        """The rule with this id, if any."""
        return next((r for r in self.rules if r.id == rule_id), None)


def parse_rules(text: str, targets: RuleTargets) -> RuleSet:
    """Parse and validate a rules file; raise RulesError (with line numbers) if anything is wrong."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise RulesError([(None, f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RulesError([(mark.line + 1 if mark else None,
                           f"Kein gültiges YAML: {exc.problem or exc.context}.")]) from None
    except yaml.YAMLError as exc:
        raise RulesError([(None, f"Kein gültiges YAML: {exc}.")]) from None
    if node is None or not isinstance(data, dict):
        raise RulesError([(1, "Die Datei muss eine Zuordnung mit „at_risk_days“ und „rules“ sein.")])
    try:
        loaded = RuleFileSchema().load(data)
    except ValidationError as err:
        raise RulesError(_located(node, err.messages, ())) from None
    problems: list[tuple[int | None, str]] = []
    rules = []
    for index, raw in enumerate(loaded["rules"]):
        path = ("rules", index)
        try:
            params = PARAM_SCHEMAS[raw["kind"]]().load(raw.get("params") or {})
        except ValidationError as err:
            problems += _located(node, err.messages, (*path, "params"))
            continue
        problems += [(_line(node, (*path, "params", *where)), reason)
                     for where, reason in check_targets(raw["kind"], params, targets)]
        rules.append(Rule(raw["id"], raw["kind"], raw["title"], raw["fix"], params, _line(node, path)))
    seen: set[str] = set()
    for index, rule in enumerate(loaded["rules"]):
        if rule["id"] in seen:
            problems.append((_line(node, ("rules", index, "id")), f"Die Regel-id „{rule['id']}“ ist doppelt."))
        seen.add(rule["id"])
    if problems:
        raise RulesError(problems)
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return RuleSet(tuple(rules), loaded["at_risk_days"], checksum)


def _located(node, messages, prefix: tuple) -> list[tuple[int | None, str]]:
    """Flatten marshmallow's nested messages into (line, reason) pairs."""
    out = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            out += _located(node, value, (*prefix, key))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        name = next((str(p) for p in reversed(prefix) if not isinstance(p, int)), "")
        label = f"„{name}“: " if name and name != "_schema" else ""
        out += [(_line(node, prefix), label + m) for m in messages]
    elif isinstance(messages, list):
        for m in messages:
            out += _located(node, m, prefix)
    else:
        out.append((_line(node, prefix), str(messages)))
    return out


def _line(node, path: tuple) -> int | None:
    """1-based line of the deepest node reachable along `path` (keys and list indexes)."""
    best = node.start_mark.line + 1
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(step):
                    child = value if not isinstance(value, yaml.ScalarNode) else key
                    best = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            child = node.value[step]
            best = child.start_mark.line + 1
        if child is None:
            return best
        node = child
    return best
