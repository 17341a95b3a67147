"""The demo's stories: which clients reach which phase, and what happens to them on which day."""
from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from engine.clock import BERLIN

from .district import DEMO_USERS, MUNICIPALITIES
from .people import invent_person
from .texts import CONTACT_SUMMARIES, NOTES

# How 40 cases spread over the journey; other sizes take the kinds round-robin, so few cases still vary.
CASE_MIX = (("consent", 5), ("assessment", 5), ("plan", 5), ("review", 11), ("closed", 8), ("eligibility_open", 2),
            ("closure", 1), ("refused", 1), ("eligibility_rejected", 1), ("eligibility_approved", 1))


CLOSED_REASONS = ("livelihood_secured", "goals_achieved", "moved_away", "no_cooperation", "eligibility_ended",
                  "other")


REVIEWS_BEFORE_CLOSING = {"livelihood_secured": 2, "goals_achieved": 1, "moved_away": 0, "no_cooperation": 0,
                          "eligibility_ended": 2, "other": 1}


@dataclass
class _Step:
    """One thing that happens to a demo case, `day` days after its intake."""

    day: int
    action: str
    params: dict = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class Story:
    """One demo client: municipality, caseworker, personal data and the steps of their journey."""

    kind: str
    municipality: str
    caseworker: str
    steps: list[_Step]
    person: dict
    rng: random.Random
    case_id: str | None = None
    consent_on: date | None = None
    areas: list[str] = field(default_factory=list)


def story_kinds(cases: int) -> list[str]:
    """The journey kind of each demo case: CASE_MIX interleaved, so the first few already cover every phase."""
    pool = [[kind] * count for kind, count in CASE_MIX]
    order = [kind for row in itertools.zip_longest(*pool) for kind in row if kind]
    return [order[i % len(order)] for i in range(cases)]


def new_story(kind: str, reason: str | None, rng: random.Random, today: date, names: set) -> Story:
    """Draw one client's journey; every random choice is made here or by the story's own seeded generator."""
    steps, intake_ago = _journey(kind, reason, rng)
    steps = _contacts_and_notes(steps, intake_ago - 1, rng)
    _schedule(steps, intake_ago, today)
    with_supervisor = {org for _u, _n, role, org, _s in DEMO_USERS if role == "supervisor"}
    places = [m for m, (org, _p, _s) in MUNICIPALITIES.items()
              if not kind.startswith("eligibility") or org in with_supervisor]
    municipality = rng.choices(places, weights=[4, 4, 3][:len(places)])[0]
    caseworker = rng.choice([u for u, _n, role, _o, served in DEMO_USERS
                             if role == "caseworker" and municipality in served])
    closure = next((s.at.astimezone(BERLIN).date() for s in steps if s.action == "closure"), None)
    person = invent_person(rng, kind, reason, municipality, steps[0].at.astimezone(BERLIN).date(), closure, names)
    return Story(kind, municipality, caseworker, steps, person, random.Random(rng.random()))


def _journey(kind: str, reason: str | None, rng: random.Random) -> tuple[list[_Step], int]:
    """Milestones (days after intake) of a case of this kind, and how many days ago its intake was."""
    overdue = rng.random() < 0.5
    steps = [_Step(0, "open")]
    if kind == "consent":
        return steps, rng.randint(1, 18)
    if kind == "eligibility_open":
        return steps, rng.randint(2, 12)
    day = rng.randint(1, 6)
    if kind.startswith("eligibility_"):
        steps.append(_Step(day, "eligibility", {"approve": kind == "eligibility_approved"}))
        if kind == "eligibility_rejected":
            return steps, day + rng.randint(20, 70)
        day += rng.randint(2, 5)
    steps.append(_Step(day, "consent", {"given": kind != "refused"}))
    if kind == "refused":
        return steps, day + rng.randint(20, 60)
    if kind == "assessment":  # due 4 weeks after intake
        return steps, rng.randint(35, 75) if overdue else rng.randint(day + 2, 24)
    day += rng.randint(8, 24)
    steps.append(_Step(day, "assessment"))
    if kind in ("plan", "eligibility_approved"):  # due 8 weeks after intake
        return steps, rng.randint(62, 110) if overdue else rng.randint(day + 2, 50)
    # Most agreements are signed within 8 weeks; a few late ones give compliance something to find.
    day += rng.randint(14, 26) + (rng.randint(12, 25) if rng.random() < 0.15 else 0)
    steps.append(_Step(day, "plan"))
    rounds = rng.choice((0, 1, 1, 2, 2, 3)) if kind == "review" else REVIEWS_BEFORE_CLOSING.get(reason, 1)
    for number in range(1, rounds + 1):
        # The review task appears when it is due (3 months, at most 92 days, after the last one); a weekend step
        # moves back to the Friday before, so keep a margin.
        day += rng.randint(95, 110)
        steps.append(_Step(day, "review", {"close": False, "round": number}))
    if kind == "review":  # due 3 months after the plan or the last review
        return steps, day + (rng.randint(100, 140) if overdue else rng.randint(14, 80))
    day += rng.randint(95, 105)
    steps.append(_Step(day, "review", {"close": True, "reason": reason}))
    if kind == "closure":
        return steps, day + rng.randint(2, 12)
    day += rng.randint(3, 14)
    steps.append(_Step(day, "closure", {"reason": reason}))
    return steps, day + rng.randint(5, 100)


def _contacts_and_notes(steps: list[_Step], last_day: int, rng: random.Random) -> list[_Step]:
    """Contacts every few weeks between consent and the story's end, and a note or two."""
    consent = next((s for s in steps if s.action == "consent" and s.params["given"]), None)
    end = next((s.day - 1 for s in steps if s.action == "closure"), last_day)
    if consent is None or end <= consent.day:
        return steps
    span = range(consent.day + 1, end + 1)
    extra = [_Step(day, "contact", _contact_params(rng))
             for day in rng.sample(span, k=min(len(span), max(2, min(7, len(span) // 30))))]
    extra += [_Step(day, "note", {"text": rng.choice(NOTES), "by_supervisor": rng.random() < 0.3})
              for day in rng.sample(span, k=min(len(span), rng.randint(1, 2)))]
    return sorted(steps + extra, key=lambda s: s.day)  # stable: milestones stay before same-day contacts


def _contact_params(rng: random.Random) -> dict:
    kind = rng.choices(("office", "phone", "home_visit", "message", "accompaniment", "video", "partner"),
                       weights=(40, 22, 10, 8, 10, 4, 6))[0]
    minutes = {"phone": (10, 25), "message": (5, 15), "accompaniment": (60, 180)}.get(kind, (30, 90))
    topic, summary = rng.choice(CONTACT_SUMMARIES)
    # Now and then a contact is logged late, as happens in practice (compliance flags it after 14 days).
    lag = rng.randint(16, 25) if rng.random() < 0.06 else rng.randint(0, 3)
    return {"kind": kind, "minutes": rng.randrange(minutes[0], minutes[1] + 1, 5), "topics": [topic],
            "summary": summary, "lag": lag}


def _schedule(steps: list[_Step], intake_ago: int, today: date) -> None:
    """Give every step a weekday moment in Berlin office hours, never before the step before it."""
    previous = None
    for index, step in enumerate(steps):
        day = today - timedelta(days=intake_ago - step.day)
        while day.weekday() >= 5:  # weekend work moves to the Friday before
            day -= timedelta(days=1)
        day = max(day, previous or day)
        previous = day
        local = datetime.combine(day, clock_time(8, 0), tzinfo=BERLIN) + timedelta(minutes=20 * index)
        step.at = local.astimezone(UTC)
