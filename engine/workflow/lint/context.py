"""What the deploy gate knows beyond the file: the key it goes under, the journey, the deployed processes."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DeployContext:
    """The installation a file is checked against (`bpmn check` without a database knows none of it).

    `calls` is the call graph of the deployed processes (newest versions): key → keys it calls; `documents` the
    BPMN of every deployed process the file calls (directly or through them), for the parser; `step_fields` the
    fields each declared step reads from its form.
    """

    key: str | None = None
    journey_key: str | None = None
    deployed: frozenset[str] = frozenset()
    calls: dict[str, frozenset[str]] = field(default_factory=dict)
    documents: tuple[str, ...] = ()
    step_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    draft_forms: frozenset[str] = frozenset()  # forms with a draft but no deployed version yet
    # (DMN, version) of the newest deployed decision tables; None: unknown (`bpmn check` without a database).
    decisions: tuple[tuple[str, int | None], ...] | None = None
