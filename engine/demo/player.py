"""Playing the stories in date order through the real services, moving the fake clock along."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.casework import add_note, complete_task, log_contact, open_case, task_form
from engine.clock import FakeClock
from engine.db import Municipality, OpenTask
from engine.time import sweep_timers

from .form_posts import assessment_form, closure_form, consent_form, intake_form, plan_form, review_form
from .people import iso
from .stories import Story
from .texts import ASSESSMENT, ELIGIBILITY_NOTES


class Player:
    """Plays the stories in date order through the real services, moving the fake clock along."""

    def __init__(self, demo, clock: FakeClock, actors: dict):
        self.demo, self.clock, self.actors = demo, clock, actors
        self.supervisors = {actor.organisation_id: actor for actor in actors.values() if actor.is_supervisor}
        with demo.reader() as reader:
            self.places = dict(reader.session.execute(select(Municipality.name, Municipality.id)).all())

    def play(self, stories: list[Story]) -> None:
        """Run every step of every story at its moment."""
        agenda = sorted((step.at, i, j) for i, story in enumerate(stories) for j, step in enumerate(story.steps))
        for at, i, j in agenda:
            self.clock.set(at)
            sweep_timers(self.demo, "demo")  # as the scheduler would have, at this moment
            story = stories[i]
            getattr(self, f"_{story.steps[j].action}")(story, story.steps[j].params)

    def _open(self, story: Story, _params: dict) -> None:
        story.case_id = open_case(self.demo.uow(), intake_form(story.person, self.places[story.municipality]),
                                  self.actors[story.caseworker])

    def _complete(self, story: Story, step: str, build, actor=None) -> None:
        """Complete the journey's open task of the declared `step` as a user would: open, fill in, submit."""
        actor = actor or self.actors[story.caseworker]
        with self.demo.reader() as reader:
            task_id = reader.session.execute(select(OpenTask.id).where(
                OpenTask.case_id == story.case_id, OpenTask.step == step)).scalar_one()
            opened = task_form(reader, actor, story.case_id, task_id)
            values, version = opened.values, opened.version
        complete_task(self.demo.uow(), story.case_id, task_id, MultiDict(build(values)), actor, version)

    def _eligibility(self, story: Story, params: dict) -> None:
        supervisor = self.supervisors[self.actors[story.caseworker].organisation_id]
        note = ELIGIBILITY_NOTES[params["approve"]]
        self._complete(story, "eligibility_review", lambda _v: [
            ("eligibility_decision", "approve" if params["approve"] else "reject"), ("eligibility_note", note)],
            actor=supervisor)

    def _consent(self, story: Story, params: dict) -> None:
        self._complete(story, "consent", lambda v: consent_form(v, params["given"], story.rng))
        if params["given"]:
            story.consent_on = self.clock.today()

    def _assessment(self, story: Story, _params: dict) -> None:
        rng = story.rng
        story.areas = ["language"] + rng.sample([a for a in ASSESSMENT if a != "language"], rng.randint(2, 4))
        self._complete(story, "assessment", lambda v: assessment_form(v, story.areas, rng))

    def _plan(self, story: Story, _params: dict) -> None:
        self._complete(story, "target_agreement", lambda v: plan_form(v, story.areas, story.rng))

    def _review(self, story: Story, params: dict) -> None:
        self._complete(story, "review", lambda v: review_form(v, params, story.rng))

    def _closure(self, story: Story, params: dict) -> None:
        self._complete(story, "closure", lambda v: closure_form(v, params["reason"], story.rng))

    def _contact(self, story: Story, params: dict) -> None:
        occurred = max(self.clock.today() - timedelta(days=params["lag"]), story.consent_on)
        interpreter = story.person["interpreter_needed"] and params["kind"] in ("office", "home_visit",
                                                                                "accompaniment")
        raw = [("occurred_on", iso(occurred)), ("kind", params["kind"]),
               ("duration_minutes", str(params["minutes"])), ("summary", params["summary"])]
        raw += [("topics", topic) for topic in params["topics"]] + ([("interpreter_used", "on")] if interpreter else [])
        log_contact(self.demo.uow(), story.case_id, MultiDict(raw), self.actors[story.caseworker])

    def _note(self, story: Story, params: dict) -> None:
        caseworker = self.actors[story.caseworker]
        author = self.supervisors.get(caseworker.organisation_id) if params["by_supervisor"] else None
        add_note(self.demo.uow(), story.case_id, params["text"], author or caseworker)
