"""Comparing two versions of a decision table rule by rule: what a team lead changed, cell by cell."""
from __future__ import annotations

from dataclasses import dataclass

from engine.workflow import DecisionError, parse_decision


@dataclass(frozen=True)
class RuleChange:
    """One rule of either version: its number in each, its cells (input and output texts) and what changed."""

    rule_id: str
    old_number: int | None
    new_number: int | None
    old_cells: tuple[str, ...]
    new_cells: tuple[str, ...]
    status: str  # "unchanged", "changed", "added", "removed"

    @property
    def changed_columns(self) -> set[int]:
        """Indexes of the cells that differ."""
        return {i for i, (a, b) in enumerate(zip(self.old_cells, self.new_cells, strict=False)) if a != b}


@dataclass(frozen=True)
class TableComparison:
    """Column headings of the newer version and the rule changes, newer order first, removed rules last."""

    columns: tuple[str, ...]
    hit_policy: tuple[str, str]
    rules: list[RuleChange]


def compare_tables(old_xml: str, new_xml: str) -> TableComparison:
    """Rule-by-rule comparison of two versions (rules matched by their id), or DecisionError."""
    old, new = _rows(old_xml), _rows(new_xml)
    columns = new[0]
    changes = []
    for rule_id, (number, cells) in new[2].items():
        if rule_id in old[2]:
            old_number, old_cells = old[2][rule_id]
            status = "unchanged" if old_cells == cells and old_number == number else "changed"
            changes.append(RuleChange(rule_id, old_number, number, old_cells, cells, status))
        else:
            changes.append(RuleChange(rule_id, None, number, (), cells, "added"))
    for rule_id, (number, cells) in old[2].items():
        if rule_id not in new[2]:
            changes.append(RuleChange(rule_id, number, None, cells, (), "removed"))
    return TableComparison(columns, (old[1], new[1]), changes)


def _rows(xml: str):
    try:
        table = parse_decision(xml).decision_table
    except DecisionError:
        raise
    columns = tuple(c.label or c.id for c in table.inputs) + tuple(o.label or o.name or o.id for o in table.outputs)
    rows = {}
    for rule in table.rules:
        cells = tuple((e.lhs[0] or "-") if e.lhs else "-" for e in rule.inputEntries) + \
            tuple(e.text or "" for e in rule.outputEntries)
        rows[rule.id] = (rule.row_number, cells)
    return columns, table.hit_policy, rows
