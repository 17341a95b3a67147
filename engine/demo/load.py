"""Loading the demo for a first start, and counting what a database holds.

Only organisations, municipalities and the caseworkers' municipalities are inserted directly; everything
else goes through the real services while a fake clock walks through the past months, so events, workflows,
open tasks and due dates are exactly what real use would have produced — overdue steps included.
"""
from __future__ import annotations

import dataclasses
import itertools
import random
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from engine.clock import FakeClock
from engine.db import Case, Contact, Municipality, Note, OpenTask, Organisation, User
from engine.time import sweep_timers
from engine.workflow import WorkflowRuntime

from .district import already_loaded, create_staff
from .funding import grant_demo_positions
from .network import create_network
from .player import Player
from .recognition import start_recognitions
from .stories import CLOSED_REASONS, new_story, story_kinds


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds after loading the demo, for the start-up message and tests."""

    organisations: int
    municipalities: int
    users_by_role: dict[str, int]
    cases: int
    cases_by_phase: dict[str, int]
    cases_by_status: dict[str, int]
    closures_by_reason: dict[str, int]
    open_tasks: int
    overdue_tasks: int
    contacts: int
    notes: int
    seconds: float = 0.0


def has_demo_data(container) -> bool:
    """True if any organisation exists (then the database is in use and gets no demo data)."""
    with container.reader() as reader:
        return reader.session.execute(select(Organisation.id).limit(1)).first() is not None


def load_demo(container, cases: int = 40, seed: int = 7) -> DemoSummary:
    """Fill an empty database with demo organisations, users and `cases` clients; refuses (Conflict) otherwise."""
    started = time.perf_counter()
    if has_demo_data(container):
        raise already_loaded()
    rng = random.Random(seed)
    closed, names = itertools.count(), set()
    stories = [new_story(kind, CLOSED_REASONS[next(closed) % len(CLOSED_REASONS)] if kind == "closed" else None,
                      rng, container.clock.today(), names) for kind in story_kinds(cases)]
    first = min((step.at for story in stories for step in story.steps), default=container.clock.now())
    # Staff exist a little before the first intake, so the event log reads in order.
    clock = FakeClock(first - timedelta(days=14))
    # The demo's own runtime runs timers on the fake clock, so reviews come due when the story says.
    demo = dataclasses.replace(container, clock=clock, runtime=WorkflowRuntime(clock=clock))
    actors = create_staff(demo)
    Player(demo, clock, actors).play(stories)
    # Reviews that came due between the last story step and now fire as the running scheduler would.
    clock.set(max(clock.now(), container.clock.now()))
    sweep_timers(demo, "demo")
    start_recognitions(demo, actors)
    grant_demo_positions(demo, actors)
    create_network(demo, actors)  # partners, referrals and appointments (issue 18)
    return dataclasses.replace(summarise(container), seconds=round(time.perf_counter() - started, 2))


def summarise(container) -> DemoSummary:
    """Count organisations, users, cases by phase/status/closure reason, open and overdue tasks."""
    today = container.clock.today()
    with container.reader() as reader:
        s = reader.session

        def count(model, *where) -> int:
            return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

        def grouped(column, *where) -> dict[str, int]:
            return dict(s.execute(select(column, func.count()).where(*where).group_by(column)).all())

        return DemoSummary(
            organisations=count(Organisation), municipalities=count(Municipality),
            users_by_role=grouped(User.role), cases=count(Case), cases_by_phase=grouped(Case.phase),
            cases_by_status=grouped(Case.status),
            closures_by_reason=grouped(Case.closure_reason, Case.closure_reason.is_not(None)),
            open_tasks=count(OpenTask), overdue_tasks=count(OpenTask, OpenTask.due_on < today),
            contacts=count(Contact), notes=count(Note))
