"""Building cases for rule checks row by row: intake, completed steps, contacts, goals, closure, events at set times."""
from __future__ import annotations

from datetime import date, datetime, time

from engine.base import journey_definition, load_deadlines, model_for, record_event
from engine.clock import BERLIN
from engine.compliance import CheckContext, active_rules, evaluate
from engine.db import Case, Client, CompletedTask, Contact, Goal, new_id


def at(day: date, hour: int = 10) -> datetime:
    """A moment on a Berlin calendar day."""
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


class CaseBuilder:
    """Writes the rows the services would write, with chosen dates (events through record_event)."""

    def __init__(self, container, world):
        self.c, self.w = container, world
        self._n = 0

    def _at(self, moment: datetime):
        """A unit of work whose clock reads `moment` (so record_event stamps it)."""
        uow = self.c.uow()
        saved = self.c.clock.now()
        self.c.clock.set(moment)
        return uow, saved

    def case(self, intake: date, responsible="anna", counselling_start: date | None = None,
             town: int | None = None) -> str:
        """An open case of org A (town A by default) opened on `intake`, with its case_opened event."""
        self._n += 1
        user = self.w.users[responsible].id if responsible else None
        town = town or self.w.town_a
        org = self.w.org_a if town == self.w.town_a else self.w.org_b
        uow, saved = self._at(at(intake, 9))
        with uow:
            definition_id = journey_definition(uow.session).id
            client = Client(first_name="Test", last_name=f"Person{self._n}", residence_status="recognised_refugee",
                            counselling_start=counselling_start or intake)
            case = Case(reference=f"2025-{self._n:04d}", client=client, municipality_id=town, organisation_id=org,
                        responsible_user_id=user, definition_id=definition_id, status="open", phase="assessment",
                        intake_date=intake, eligible=True, eligibility_reason="ok", opened_at=uow.clock.now(),
                        updated_at=uow.clock.now(), version=1)
            uow.session.add(case)
            uow.session.flush()
            record_event(uow, "case_opened", user, case.id, reference=case.reference, responsible_user_id=user)
            uow.commit()
        self.c.clock.set(saved)
        return case.id

    def step(self, case_id: str, spec: str, on: date, **data) -> None:
        """A completed user task on `on` with its form data."""
        uow, saved = self._at(at(on))
        with uow:
            info = model_for(uow, journey_definition(uow.session)).user_tasks.get(spec)
            uow.session.add(CompletedTask(id=new_id(), case_id=case_id, task_spec=spec, title=spec,
                                          form_key=info.form_key if info else None, step=info.step if info else None,
                                          completed_by=self.w.anna.id, completed_at=uow.clock.now(), data=data))
            record_event(uow, "task_completed", self.w.anna.id, case_id, task=spec)
            uow.commit()
        self.c.clock.set(saved)

    def consent(self, case_id: str, on: date) -> None:
        """Consent given on `on`."""
        self.step(case_id, "Task_Consent", on, consent_given="yes", consent_date=on.isoformat())

    def assessment(self, case_id: str, on: date) -> None:
        """The needs assessment done (conversation and completion) on `on`."""
        self.step(case_id, "Task_Assessment", on, assessment_date=on.isoformat())

    def agreement(self, case_id: str, on: date, signed: bool = True) -> None:
        """The target agreement, signed by both or by the caseworker only."""
        self.step(case_id, "Task_TargetAgreement", on, plan_date=on.isoformat(), signed_by_client=signed,
                  signed_by_caseworker=True, signature_date=on.isoformat())

    def contact(self, case_id: str, occurred: date, recorded: date) -> None:
        """A contact that took place on `occurred`, logged on `recorded`."""
        uow, saved = self._at(at(recorded))
        with uow:
            uow.session.add(Contact(case_id=case_id, occurred_on=occurred, kind="office", duration_minutes=30,
                                    topics=["language"], recorded_by=self.w.anna.id, recorded_at=uow.clock.now()))
            record_event(uow, "contact_logged", self.w.anna.id, case_id, occurred_on=occurred.isoformat())
            uow.commit()
        self.c.clock.set(saved)

    def goal(self, case_id: str, agreed: date, evaluation: str | None = None) -> None:
        """A goal agreed on `agreed`, with a final evaluation if given."""
        with self.c.uow() as uow:
            uow.session.add(Goal(case_id=case_id, life_area="language", title="B1", obligations="", support="",
                                 responsible="", status="open", agreed_on=agreed, final_evaluation=evaluation,
                                 updated_at=self.c.clock.now()))
            uow.commit()

    def close(self, case_id: str, on: date, reason: str | None = "goals_achieved") -> None:
        """The case closed on `on` with a reason (None: without)."""
        uow, saved = self._at(at(on, 16))
        with uow:
            case = uow.session.get(Case, case_id)
            case.status, case.phase, case.closed_on, case.closure_reason = "closed", "closed", on, reason
            record_event(uow, "case_closed", self.w.anna.id, case_id, reason=reason, closed_on=on.isoformat())
            uow.commit()
        self.c.clock.set(saved)

    def event(self, case_id: str, kind: str, on: date, **payload) -> None:
        """Any event on `on`."""
        uow, saved = self._at(at(on))
        with uow:
            record_event(uow, kind, self.w.carla.id, case_id, **payload)
            uow.commit()
        self.c.clock.set(saved)


def findings(container, as_of: date | None = None, rule: str | None = None) -> dict[str, tuple]:
    """{case_id: (state, since, resolved_on)} of one rule (or {(rule, case): ...} of all) as of a day."""
    with container.reader() as r:
        active = active_rules(r)
        ctx = CheckContext(as_of or container.clock.today(), active.rules.at_risk_days, load_deadlines(r.session))
        found = evaluate(r.session, active.rules, ctx)
    if rule:
        return {f.case_id: (f.state, f.since, f.resolved_on) for f in found if f.rule_id == rule}
    return {(f.rule_id, f.case_id): (f.state, f.since, f.resolved_on) for f in found}
