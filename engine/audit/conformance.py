"""Prozesstreue: does a case's sequence of completed steps fit the process version it runs on?

The case page checks its one case live (a few rows and a replay over the cached model). The compliance list
reads stored results: replaying every case on each page view would read all completed tasks of all cases,
so `check_all_cases` (daily job, `integraflow audit conformance`, the button on the page) refreshes the
`conformance_result` table in batches instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import delete, func, insert, or_, select

from engine.base import Actor, model_by_id, readable_case
from engine.db import Case, CompletedTask, ConformanceResult, Event, ProcessDefinition
from engine.workflow import replay

from .trail import require_auditor

# Events that explain a deviation (written by case migration, reset and manual repair).
EXPLANATION_LABELS = {"case_migrated": "Fall auf eine andere Prozessversion migriert",
                      "case_reset": "Fall zurückgesetzt", "case_repaired": "Fall manuell repariert"}


@dataclass
class CaseConformance:
    """The replay of one case, ready to show and to store."""

    case_id: str
    reference: str
    definition_id: int
    steps: int
    deviations: list[dict] = field(default_factory=list)
    explanations: list[dict] = field(default_factory=list)
    enabled: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        """True when every completed step was allowed by the model."""
        return not self.deviations

    @property
    def explained(self) -> bool:
        """True when the case fits or a migration, reset or repair explains its deviations."""
        return self.fits or bool(self.explanations)


def _message(d, version: int) -> str:
    if d.kind == "unknown_step":
        return f"Schritt {d.position} „{d.step}“ kommt in Version {version} des Prozessmodells nicht vor."
    possible = ", ".join(f"„{t}“" for t in d.expected) or "kein weiterer Schritt"
    return (f"Schritt {d.position} „{d.title}“ war laut Prozessmodell an dieser Stelle nicht möglich; "
            f"möglich war: {possible}.")


def _steps_by_case(session, case_ids: list[str], process_id: str | None = None) -> dict[str, list[str]]:
    """The completed steps of the cases' journeys, or of one further process (`process_id`), in order."""
    # Completion order; steps completed at the same instant keep the order of their task_completed events.
    position = {}
    for (payload,) in session.execute(select(Event.payload).where(Event.case_id.in_(case_ids),
                                                                  Event.kind == "task_completed")
                                      .order_by(Event.seq)):
        position.setdefault(payload.get("task_id"), len(position))
    # A journey's steps are those of its own process (rows from before several processes existed name none).
    mine = (CompletedTask.process_id == process_id if process_id is not None
            else or_(CompletedTask.process_id.is_(None), CompletedTask.process_id == CompletedTask.case_id))
    rows = session.execute(select(CompletedTask.case_id, CompletedTask.id, CompletedTask.task_spec,
                                  CompletedTask.completed_at).where(CompletedTask.case_id.in_(case_ids), mine)).all()
    rows.sort(key=lambda r: (r.completed_at, position.get(r.id, len(position)), r.id))
    steps: dict[str, list[str]] = {case_id: [] for case_id in case_ids}
    for row in rows:
        steps[row.case_id].append(row.task_spec)
    return steps


def _explanations_by_case(session, case_ids: list[str]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for case_id, kind, at, payload in session.execute(
            select(Event.case_id, Event.kind, Event.at, Event.payload)
            .where(Event.case_id.in_(case_ids), Event.kind.in_(EXPLANATION_LABELS)).order_by(Event.seq)):
        text = next((str(payload[k]) for k in ("reason", "comment", "note") if payload.get(k)), "")
        found.setdefault(case_id, []).append({"kind": kind, "label": EXPLANATION_LABELS[kind],
                                              "at": at.isoformat(), "text": text})
    return found


def _check(uow, cases: list[tuple[str, str, int]], process_id: str | None = None,
           explain: bool = True) -> list[CaseConformance]:
    ids = [c[0] for c in cases]
    steps = _steps_by_case(uow.session, ids, process_id)
    outcomes = {case_id: replay(model_by_id(uow, definition_id), steps[case_id])
                for case_id, _reference, definition_id in cases}
    # Versions (for the messages) and explanations only matter where a case deviates: most cases read neither.
    deviating = [c for c in cases if outcomes[c[0]].deviations]
    versions = dict(uow.session.execute(select(ProcessDefinition.id, ProcessDefinition.version).where(
        ProcessDefinition.id.in_({c[2] for c in deviating}))).all()) if deviating else {}
    explanations = _explanations_by_case(uow.session, [c[0] for c in deviating]) if deviating and explain else {}
    results = []
    for case_id, reference, definition_id in cases:
        outcome = outcomes[case_id]
        deviations = [{"position": d.position, "step": d.step, "title": d.title, "kind": d.kind,
                       "expected": list(d.expected), "message": _message(d, versions[definition_id])}
                      for d in outcome.deviations]
        results.append(CaseConformance(case_id, reference, definition_id, outcome.steps, deviations,
                                       explanations.get(case_id, []), list(outcome.enabled)))
    return results


def _explained(uow, result: CaseConformance) -> CaseConformance:
    """A cached replay with the case's explanations as they are now (read only when the case deviates)."""
    if not result.deviations:
        return result
    return replace(result, explanations=_explanations_by_case(uow.session, [result.case_id]).get(result.case_id, []))


def case_conformance(uow, actor: Actor, case_id: str) -> CaseConformance:
    """Replay one case the actor may see (live, for the case page), once per state of the case.

    Every completed step bumps the case version: the replay (which reads the case's completed steps) runs again
    only then, not on every view of the case page. Explanations (migration, reset, repair events) are read
    afresh for a deviating case, since a repair need not change the version.
    """
    case = readable_case(uow, actor, case_id, with_client=False)
    key = ("conformance", case.id, case.version, case.definition_id)
    return _explained(uow, uow.runtime.derived(
        key, lambda: _check(uow, [(case.id, case.reference, case.definition_id)], explain=False)[0]))


def process_conformance(uow, actor: Actor, case_id: str, process_id: str, definition_id: int) -> CaseConformance:
    """Replay one further process of a case against its own version (the case page shows it beside its diagram)."""
    case = readable_case(uow, actor, case_id, with_client=False)
    key = ("conformance", process_id, case.version, definition_id)
    return _explained(uow, uow.runtime.derived(
        key, lambda: _check(uow, [(case.id, case.reference, definition_id)], process_id, explain=False)[0]))


@dataclass
class ConformanceSummary:
    """What a full check found."""

    checked: int = 0
    deviating: list[CaseConformance] = field(default_factory=list)


def check_all_cases(container, batch: int = 500) -> ConformanceSummary:
    """Replay every case and store the results, one transaction per batch of cases."""
    summary, last = ConformanceSummary(), ""
    while True:
        uow = container.uow()
        with uow:
            cases = uow.session.execute(select(Case.id, Case.reference, Case.definition_id)
                                        .where(Case.id > last).order_by(Case.id).limit(batch)).all()
            if not cases:
                return summary
            results = _check(uow, [tuple(c) for c in cases])
            now = uow.clock.now()
            table = ConformanceResult.__table__
            uow.session.execute(delete(table).where(table.c.case_id.in_([c[0] for c in cases])))
            uow.session.execute(insert(table), [
                {"case_id": r.case_id, "definition_id": r.definition_id, "checked_at": now, "fits": r.fits,
                 "explained": r.explained, "steps": r.steps, "deviations": r.deviations,
                 "explanations": r.explanations} for r in results])
            uow.commit()
        summary.checked += len(results)
        summary.deviating += [r for r in results if not r.fits]
        last = cases[-1][0]


@dataclass
class ConformanceOverview:
    """The compliance list: cases whose last check found deviations, and how current the check is."""

    rows: list[ConformanceResult]
    references: dict[str, str]
    checked: int
    deviating: int
    unexplained: int
    last_checked_at: object = None


def conformance_overview(uow, actor: Actor, limit: int = 500) -> ConformanceOverview:
    """Stored results of deviating cases (unexplained first) for compliance and administration."""
    require_auditor(actor)
    s = uow.session
    rows = list(s.execute(select(ConformanceResult).where(ConformanceResult.fits.is_(False))
                          .order_by(ConformanceResult.explained, ConformanceResult.case_id)
                          .limit(limit)).scalars()) if limit else []
    references = dict(s.execute(select(Case.id, Case.reference)
                                .where(Case.id.in_([r.case_id for r in rows]))).all()) if rows else {}
    checked, deviating, unexplained, last = s.execute(select(
        func.count(), func.count().filter(ConformanceResult.fits.is_(False)),
        func.count().filter(ConformanceResult.explained.is_(False)), func.max(ConformanceResult.checked_at))
        .select_from(ConformanceResult)).one()
    return ConformanceOverview(rows, references, checked, deviating, unexplained, last)
