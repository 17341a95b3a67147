"""Demo data at scale (`integraflow demo --cases N`): a few hundred cases told through the real services,
the rest bulk copies of them — fast enough for 100,000 cases and their events in minutes.
"""
from __future__ import annotations

import dataclasses
import time

from sqlalchemy import select

from .bulk import clone_cases
from .db import Case
from .demo import load_demo, summarise

# Cases driven through the services; more would only make the start slower, not the data more varied.
STORY_CASES = 200


def load_demo_at_scale(container, cases: int, echo=None, stories: int = STORY_CASES):
    """Load `cases` demo cases: up to `stories` through the services, the others as copies of those."""
    started = time.perf_counter()
    stories = min(cases, stories)
    summary = load_demo(container, cases=stories)
    if cases > stories:
        with container.reader() as reader:
            templates = list(reader.session.execute(select(Case.id).order_by(Case.opened_at, Case.id)).scalars())
        copies = -(-(cases - stories) // len(templates))
        clone_cases(container, templates, copies, limit=cases - stories,
                    echo=(lambda n: echo(f"  {stories + n} von {cases} Fällen angelegt")) if echo else None)
        summary = summarise(container)
    return dataclasses.replace(summary, seconds=round(time.perf_counter() - started, 2))
