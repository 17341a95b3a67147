"""Driving a case through the shipped journey with the real services (shared by scenario tests)."""
from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.casework import complete_task, open_case, task_form
from engine.clock import BERLIN
from engine.db import Case, OpenTask
from engine.time import sweep_timers

# The shipped journey's task ids and the steps they declare: scenarios name either; a journey whose ids were
# rewritten (tests/integration/test_renamed_journey.py) is recognised by its declared steps alone.
SHIPPED_STEPS = {"Task_Intake": "intake", "Task_EligibilityReview": "eligibility_review", "Task_Consent": "consent",
                 "Task_Assessment": "assessment", "Task_TargetAgreement": "target_agreement", "Task_Review": "review",
                 "Task_Closure": "closure"}


def is_step(task, expect: str) -> bool:
    """True when the open task is the expected one (named by shipped id or by declared step)."""
    return task is not None and (task.task_spec == expect or task.step == SHIPPED_STEPS.get(expect, expect))


CONSENT = {"consent_given": "yes", "consent_date": "2026-01-15", "consent_scope": "basic", "consent_document": "on"}
ASSESSMENT = {"assessment_date": "2026-01-20", "language.situation": "A2-Kurs abgebrochen",
              "language.needs": "B1-Kurs", "language.support_needed": "on", "work.situation": "Helfertätigkeit",
              "assessment_summary": "Sprache und Arbeit vorrangig"}


def target_agreement(goals: int = 1) -> dict:
    """A valid target agreement with `goals` goals."""
    data = {"plan_date": "2026-02-01", "signed_by_client": "on", "signed_by_caseworker": "on",
            "signature_date": "2026-02-01"}
    for i in range(goals):
        data.update({f"goals-{i}-life_area": "language", f"goals-{i}-title": f"Ziel {i + 1}: B1-Prüfung",
                     f"goals-{i}-obligations": "Kurs regelmäßig besuchen", f"goals-{i}-support": "Anmeldung, Kita",
                     f"goals-{i}-responsible": "Klientin, IM", f"goals-{i}-due_date": "2026-09-30"})
    return data


class Driver:
    """Completes the open task of a case as a given actor; `roundtrip` empties the workflow cache each step."""

    def __init__(self, container, roundtrip: bool = False):
        self.c = container
        self.roundtrip = roundtrip

    def open(self, actor, raw: MultiDict) -> str:
        """Run intake and return the case id."""
        return open_case(self.c.uow(), raw, actor)

    def open_task(self, case_id: str) -> OpenTask | None:
        """The single open task of a case (or None)."""
        with self.c.reader() as r:
            rows = list(r.session.execute(select(OpenTask).where(OpenTask.case_id == case_id)).scalars())
        return rows[0] if rows else None

    def prefill(self, actor, case_id: str):
        """The task form (values, version) of the case's open task."""
        task = self.open_task(case_id)
        with self.c.reader() as r:
            return task, task_form(r, actor, case_id, task.id)

    def consented(self, actor, raw: MultiDict) -> str:
        """Run intake and record the client's consent; returns the case id (a case further processes may start on)."""
        case_id = self.open(actor, raw)
        self.complete(actor, case_id, CONSENT, expect="consent")
        return case_id

    def version(self, case_id: str) -> int:
        """The case's current version (what a form would post back)."""
        with self.c.reader() as r:
            return r.session.get(Case, case_id).version

    def complete(self, actor, case_id: str, data: dict, expect: str | None = None) -> str:
        """Complete the open task with HTML-style data; checks the task's spec if `expect` is given."""
        if self.roundtrip:
            self.c.runtime.clear_cache()  # force a save/restore round trip through the database
        task, tf = self.prefill(actor, case_id)
        if expect:
            assert is_step(task, expect), f"expected {expect}, open is {task.task_spec} ({task.step})"
        return complete_task(self.c.uow(), case_id, task.id, MultiDict(data), actor, tf.version)

    def await_review(self, case_id: str) -> None:
        """Move the clock to the case's review date and run the timer sweep, as the scheduler would."""
        task = self.open_task(case_id)
        if is_step(task, "review"):
            return
        with self.c.reader() as r:
            due = r.session.get(Case, case_id).next_review_due
        assert due is not None, "the case is not waiting for a review"
        moment = datetime.combine(due, time(8, 0), tzinfo=BERLIN)
        if self.c.clock.now() < moment:
            self.c.clock.set(moment)
        sweep_timers(self.c, "test-sweep")
        assert is_step(self.open_task(case_id), "review")

    def review(self, actor, case_id: str, status: str = "partly", next_step: str = "continue",
               date: str = "2026-05-01", **extra) -> None:
        """Wait for the review to come due, then complete it, setting every listed goal to `status`."""
        self.await_review(case_id)
        _task, tf = self.prefill(actor, case_id)
        data = {"review_date": date, "review_summary": "Fortschritt besprochen", "next_step": next_step, **extra}
        for i, goal in enumerate(tf.values.get("goals", [])):
            data[f"goals-{i}-goal_id"] = goal["goal_id"]
            data[f"goals-{i}-status"] = status
            if status in ("dropped", "not_achieved"):
                data[f"goals-{i}-status_reason"] = "Kurs fiel aus"
        self.complete(actor, case_id, data, expect="Task_Review")

    def closure(self, actor, case_id: str, reason: str = "goals_achieved") -> None:
        """Complete the closure with a final evaluation for every goal."""
        _task, tf = self.prefill(actor, case_id)
        data = {"closure_reason": reason, "closure_date": "2026-10-01", "final_summary": "Ziele erreicht",
                "outcomes": "language_certificate"}
        for i, goal in enumerate(tf.values.get("final_goals", [])):
            data.update({f"final_goals-{i}-goal_id": goal["goal_id"], f"final_goals-{i}-final_status": "achieved",
                         f"final_goals-{i}-evaluation": "B1 bestanden"})
        self.complete(actor, case_id, data, expect="Task_Closure")

    def to_review(self, actor, raw: MultiDict, goals: int = 1) -> str:
        """Open a case and drive it to its first review; returns the case id."""
        case_id = self.open(actor, raw)
        self.complete(actor, case_id, CONSENT, expect="Task_Consent")
        self.complete(actor, case_id, ASSESSMENT, expect="Task_Assessment")
        self.complete(actor, case_id, target_agreement(goals), expect="Task_TargetAgreement")
        return case_id
