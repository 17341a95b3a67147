"""Element ids the runtime uses for itself: a BPMN element named like them would be confused with them."""
from __future__ import annotations

from .problems import Problem, error

# SpiffWorkflow adds a "Start" and an "End" task to every process and sub-process, and "<id>.EndJoin".
RESERVED_IDS = frozenset({"Start", "End"})


def reserved_ids(root) -> list[Problem]:
    """Every element whose id the runtime reserves, with the advice to rename it."""
    problems = []
    for el in root.iter():
        element_id = el.get("id") if isinstance(el.tag, str) else None
        if element_id and (element_id in RESERVED_IDS or element_id.endswith(".EndJoin")):
            problems.append(error(element_id, f"Die id „{element_id}“ ist für die Laufzeit reserviert; bitte "
                                              "geben Sie dem Element eine andere id (z. B. „StartEvent_1“)."))
    return problems
