"""Demo data for a first start: a district, two welfare providers, their staff and clients in every phase.

Only organisations, municipalities and the caseworkers' municipalities are inserted directly; everything
else goes through the real services while a fake clock walks through the past months, so events, workflows,
open tasks and due dates are exactly what real use would have produced — overdue steps included.
"""
from __future__ import annotations

import dataclasses
import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from .clock import BERLIN, FakeClock
from .db import Case, Contact, Municipality, Note, OpenTask, Organisation, User, UserMunicipality
from .errors import Conflict
from .services import add_note, complete_task, log_contact, open_case, task_form
from .services.timers import sweep_timers
from .services.users import actor_of, create_user
from .workflow import WorkflowRuntime

DEMO_PASSWORD = "integraflow-demo"
DISTRICT = "Landratsamt Musterkreis – Stabsstelle Integrationsförderung"
CARITAS = "Caritasverband Musterkreis"
DRK = "DRK-Kreisverband Musterkreis"
ORGANISATIONS = ((DISTRICT, "district"), (CARITAS, "provider"), (DRK, "provider"))
# Municipality -> (responsible organisation, postcode, follow-up accommodations).
MUNICIPALITIES = {
    "Bad Musterbach": (DISTRICT, "77711", ("Lindenstraße 14", "Am Mühlbach 3", "Bahnhofstraße 27", "Schillerweg 8")),
    "Neustadt am See": (CARITAS, "77722", ("Seestraße 41", "Hauptstraße 5 (Alte Post)", "Kirchgasse 12")),
    "Waldkirchen": (DRK, "77733", ("Waldstraße 2", "Am Sportplatz 7", "Birkenweg 19")),
}
# (username, display name, role, organisation, municipalities served)
DEMO_USERS = [
    ("mueller", "Anna Müller", "caseworker", DISTRICT, ("Bad Musterbach",)),
    ("yilmaz", "Deniz Yılmaz", "caseworker", CARITAS, ("Neustadt am See",)),
    ("weber", "Jonas Weber", "caseworker", CARITAS, ("Neustadt am See",)),
    ("schneider", "Katrin Schneider", "caseworker", DRK, ("Waldkirchen",)),
    ("leitung", "Dr. Petra Hoffmann", "supervisor", DISTRICT, ()),
    ("caritas.leitung", "Markus Braun", "supervisor", CARITAS, ()),
    ("drk.leitung", "Miriam Schulz", "supervisor", DRK, ()),
    ("controlling", "Sabine Keller", "compliance", DISTRICT, ()),
    ("admin", "Thomas Fischer", "admin", DISTRICT, ()),
    ("datenschutz", "Lea Wagner", "privacy", DISTRICT, ()),
]
# How 40 cases spread over the journey; other sizes take the kinds round-robin, so few cases still vary.
CASE_MIX = (("consent", 5), ("assessment", 5), ("plan", 5), ("review", 11), ("closed", 8), ("eligibility_open", 2),
            ("closure", 1), ("refused", 1), ("eligibility_rejected", 1), ("eligibility_approved", 1))
CLOSED_REASONS = ("livelihood_secured", "goals_achieved", "moved_away", "no_cooperation", "eligibility_ended",
                  "other")
REVIEWS_BEFORE_CLOSING = {"livelihood_secured": 2, "goals_achieved": 1, "moved_away": 0, "no_cooperation": 0,
                          "eligibility_ended": 2, "other": 1}


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
        raise _already_loaded()
    rng = random.Random(seed)
    closed, names = itertools.count(), set()
    stories = [_story(kind, CLOSED_REASONS[next(closed) % len(CLOSED_REASONS)] if kind == "closed" else None,
                      rng, container.clock.today(), names) for kind in _kinds(cases)]
    first = min((step.at for story in stories for step in story.steps), default=container.clock.now())
    # Staff exist a little before the first intake, so the event log reads in order.
    clock = FakeClock(first - timedelta(days=14))
    # The demo's own runtime runs timers on the fake clock, so reviews come due when the story says.
    demo = dataclasses.replace(container, clock=clock, runtime=WorkflowRuntime(clock=clock))
    actors = _create_staff(demo)
    _Player(demo, clock, actors).play(stories)
    # Reviews that came due between the last story step and now fire as the running scheduler would.
    clock.set(max(clock.now(), container.clock.now()))
    sweep_timers(demo, "demo")
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


def _already_loaded() -> Conflict:
    return Conflict("Die Datenbank enthält bereits Organisationen; Demodaten werden nur in eine leere "
                    "Datenbank geladen.")


# --- staff ------------------------------------------------------------------------------------------------

def _create_staff(demo) -> dict:
    """Organisations, municipalities and users; returns actors by username."""
    uow = demo.uow()
    with uow:
        # Checked again inside the write transaction: two first starts at once must not both load.
        if uow.session.execute(select(Organisation.id).limit(1)).first() is not None:
            raise _already_loaded()
        orgs = {name: Organisation(name=name, kind=kind) for name, kind in ORGANISATIONS}
        uow.session.add_all(orgs.values())
        uow.session.flush()
        uow.session.add_all(Municipality(name=name, organisation_id=orgs[org].id)
                            for name, (org, _postcode, _streets) in MUNICIPALITIES.items())
        uow.commit()
    for username, display_name, role, org, _served in DEMO_USERS:
        create_user(demo.uow(), username, display_name, role, org, DEMO_PASSWORD,
                    email=f"{username}@musterkreis.example")
    uow = demo.uow()
    with uow:
        places = dict(uow.session.execute(select(Municipality.name, Municipality.id)).all())
        users = {u.username: u for u in uow.session.execute(select(User)).scalars()}
        uow.session.add_all(UserMunicipality(user_id=users[username].id, municipality_id=places[name])
                            for username, _n, _r, _o, served in DEMO_USERS for name in served)
        uow.commit()
        return {username: actor_of(user) for username, user in users.items()}


# --- stories: who, where, and what happens on which day ---------------------------------------------------

@dataclass
class _Step:
    """One thing that happens to a demo case, `day` days after its intake."""

    day: int
    action: str
    params: dict = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class _Story:
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


def _kinds(cases: int) -> list[str]:
    """The journey kind of each demo case: CASE_MIX interleaved, so the first few already cover every phase."""
    pool = [[kind] * count for kind, count in CASE_MIX]
    order = [kind for row in itertools.zip_longest(*pool) for kind in row if kind]
    return [order[i % len(order)] for i in range(cases)]


def _story(kind: str, reason: str | None, rng: random.Random, today: date, names: set) -> _Story:
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
    person = _person(rng, kind, reason, municipality, steps[0].at.astimezone(BERLIN).date(), closure, names)
    return _Story(kind, municipality, caseworker, steps, person, random.Random(rng.random()))


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


# --- the people -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Origin:
    """Where a client comes from: nationality, languages, usual residence statuses and names."""

    nationality: str
    languages: tuple[str, ...]
    statuses: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]


ORIGINS = (
    _Origin("syrisch", ("Arabisch",), ("recognised_refugee", "subsidiary_protection"),
            ("Ahmad", "Mohammad", "Khaled", "Omar", "Yousef", "Mahmoud", "Bashar", "Rami", "Tarek"),
            ("Fatima", "Amina", "Rasha", "Lina", "Hala", "Nour", "Rana", "Huda", "Mariam"),
            ("Al-Hassan", "Haddad", "Khalil", "Saleh", "Darwish", "Hamdan", "Al-Khatib", "Mansour", "Suleiman")),
    _Origin("irakisch", ("Arabisch", "Kurmandschi"), ("recognised_refugee", "subsidiary_protection",
                                                      "deportation_ban"),
            ("Ali", "Hussein", "Karwan", "Dilshad", "Mustafa", "Haider"),
            ("Zainab", "Shilan", "Ruqaya", "Nasrin", "Sara", "Hawre"),
            ("Ibrahim", "Rashid", "Aziz", "Qadir", "Murad", "Khidir")),
    _Origin("afghanisch", ("Dari", "Paschtu"), ("recognised_refugee", "deportation_ban",
                                                "asylum_pending_good_prospects"),
            ("Farid", "Jawad", "Hamid", "Naveed", "Sayed", "Mohammad Reza", "Zabihullah"),
            ("Zahra", "Mahbooba", "Farzana", "Roya", "Shabnam", "Nilofar", "Malalai"),
            ("Ahmadi", "Hosseini", "Rahimi", "Karimi", "Sultani", "Noori", "Hakimi", "Amiri", "Sharifi")),
    _Origin("ukrainisch", ("Ukrainisch", "Russisch"), ("temporary_protection_ukraine",),
            ("Andrii", "Oleksandr", "Serhii", "Dmytro", "Mykola"),
            ("Olena", "Iryna", "Natalia", "Tetiana", "Oksana", "Yulia", "Kateryna", "Svitlana"),
            ("Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boyko", "Lysenko")),
    _Origin("eritreisch", ("Tigrinya",), ("recognised_refugee", "subsidiary_protection"),
            ("Yonas", "Tesfay", "Dawit", "Filmon", "Merhawi", "Habtom", "Berhane"),
            ("Helen", "Senait", "Selam", "Rahwa", "Luwam", "Saba"),
            ("Tesfamariam", "Ghebremedhin", "Kidane", "Habte", "Tekle", "Woldemichael", "Berhe", "Haile")),
)
ORIGIN_WEIGHTS = (25, 15, 22, 25, 13)
EVIDENCE = {
    "recognised_refugee": "Aufenthaltserlaubnis § 25 Abs. 2 S. 1 Alt. 1 AufenthG",
    "subsidiary_protection": "Aufenthaltserlaubnis § 25 Abs. 2 S. 1 Alt. 2 AufenthG",
    "deportation_ban": "Aufenthaltserlaubnis § 25 Abs. 3 AufenthG",
    "temporary_protection_ukraine": "Aufenthaltserlaubnis § 24 AufenthG",
    "asylum_pending_good_prospects": "Aufenthaltsgestattung § 55 AsylG",
    "toleration": "Duldung § 60a AufenthG",
    "obliged_to_leave": "Grenzübertrittsbescheinigung, vollziehbar ausreisepflichtig",
}
GERMAN_LEVELS = ("kaum Deutsch", "Deutsch A1", "Deutsch A2", "Deutsch B1")


def _person(rng: random.Random, kind: str, reason: str | None, municipality: str, intake: date,
            closure: date | None, names: set) -> dict:
    """The intake form's values for one client, as plain strings."""
    # Toleration and obligation to leave are most common among Iraqi and Afghan clients.
    origin = ORIGINS[rng.choice((1, 2))] if kind.startswith("eligibility") else \
        rng.choices(ORIGINS, weights=ORIGIN_WEIGHTS)[0]
    female = rng.random() < (0.75 if origin.nationality == "ukrainisch" else 0.45)
    status = {"eligibility_rejected": "obliged_to_leave", "eligibility_open": "toleration",
              "eligibility_approved": "toleration"}.get(kind) or rng.choice(origin.statuses)
    language, level = rng.choice(origin.languages), rng.choice(GERMAN_LEVELS)
    interpreter = level in GERMAN_LEVELS[:2]
    au_since = intake - timedelta(days=rng.randint(20, 420))
    counselling_start = max(au_since, intake - timedelta(days=rng.randint(0, 10)))
    if reason == "eligibility_ended" and closure:  # the three years of counselling end around the closure
        counselling_start = closure - timedelta(days=3 * 365 + rng.randint(1, 4))
        au_since = counselling_start - timedelta(days=rng.randint(30, 200))
    _org, postcode, streets = MUNICIPALITIES[municipality]
    first, last = _unique_name(rng, origin, female, names)
    return {
        "first_name": first, "last_name": last,
        "birth_date": _iso(intake - timedelta(days=rng.randint(19 * 365, 58 * 365))),
        "gender": "female" if female else "male", "nationality": origin.nationality,
        "languages": ", ".join(dict.fromkeys(origin.languages + (level,))),
        "interpreter_needed": interpreter, "interpreter_language": language if interpreter else "",
        "phone": f"01{rng.choice(('51', '52', '57', '60', '62', '76'))} {rng.randint(1000000, 9999999)}",
        "accommodation_address": f"Anschlussunterbringung {rng.choice(streets)}\n{postcode} {municipality}",
        "residence_status": status, "residence_status_evidence": _evidence(rng, status, intake),
        "au_since": _iso(au_since), "counselling_start": _iso(counselling_start),
        "household": _household(rng, origin, female, last, intake),
        "intake_note": rng.choice(INTAKE_NOTES),
    }


def _unique_name(rng: random.Random, origin: _Origin, female: bool, names: set) -> tuple[str, str]:
    """A first and last name not yet given to another demo client (same names confuse a demo search)."""
    for _ in range(50):
        name = (rng.choice(origin.female if female else origin.male), rng.choice(origin.family))
        if name not in names:
            break
    names.add(name)
    return name


def _evidence(rng: random.Random, status: str, intake: date) -> str:
    if status == "toleration":
        return f"{EVIDENCE[status]}, gültig bis {intake + timedelta(days=rng.randint(60, 180)):%d.%m.%Y}"
    return f"{EVIDENCE[status]}, Nr. Y{rng.randint(10 ** 7, 10 ** 8 - 1)}"


def _household(rng: random.Random, origin: _Origin, female: bool, last: str, intake: date) -> list[dict]:
    if rng.random() < 0.45:
        return []
    members = []
    if not (female and origin.nationality == "ukrainisch") or rng.random() < 0.3:
        partner = rng.choice(origin.male if female else origin.female)
        members.append({"name": f"{partner} {last}", "relation": "partner",
                        "birth_date": _iso(intake - timedelta(days=rng.randint(20 * 365, 55 * 365)))})
    for _ in range(rng.randint(0, 3)):
        child = rng.choice(origin.female + origin.male)
        members.append({"name": f"{child} {last}", "relation": "child",
                        "birth_date": _iso(intake - timedelta(days=rng.randint(200, 17 * 365)))})
    return members


def _iso(value: date) -> str:
    return value.isoformat()


# --- playing the stories through the services -------------------------------------------------------------

class _Player:
    """Plays the stories in date order through the real services, moving the fake clock along."""

    def __init__(self, demo, clock: FakeClock, actors: dict):
        self.demo, self.clock, self.actors = demo, clock, actors
        self.supervisors = {actor.organisation_id: actor for actor in actors.values() if actor.is_supervisor}
        with demo.reader() as reader:
            self.places = dict(reader.session.execute(select(Municipality.name, Municipality.id)).all())

    def play(self, stories: list[_Story]) -> None:
        """Run every step of every story at its moment."""
        agenda = sorted((step.at, i, j) for i, story in enumerate(stories) for j, step in enumerate(story.steps))
        for at, i, j in agenda:
            self.clock.set(at)
            sweep_timers(self.demo, "demo")  # as the scheduler would have, at this moment
            story = stories[i]
            getattr(self, f"_{story.steps[j].action}")(story, story.steps[j].params)

    def _open(self, story: _Story, _params: dict) -> None:
        story.case_id = open_case(self.demo.uow(), _intake_form(story.person, self.places[story.municipality]),
                                  self.actors[story.caseworker])

    def _complete(self, story: _Story, spec: str, build, actor=None) -> None:
        """Complete the case's open task `spec` as a user would: open the form, fill it in, submit."""
        actor = actor or self.actors[story.caseworker]
        with self.demo.reader() as reader:
            task_id = reader.session.execute(select(OpenTask.id).where(
                OpenTask.case_id == story.case_id, OpenTask.task_spec == spec)).scalar_one()
            opened = task_form(reader, actor, story.case_id, task_id)
            values, version = opened.values, opened.version
        complete_task(self.demo.uow(), story.case_id, task_id, MultiDict(build(values)), actor, version)

    def _eligibility(self, story: _Story, params: dict) -> None:
        supervisor = self.supervisors[self.actors[story.caseworker].organisation_id]
        note = ELIGIBILITY_NOTES[params["approve"]]
        self._complete(story, "Task_EligibilityReview", lambda _v: [
            ("eligibility_decision", "approve" if params["approve"] else "reject"), ("eligibility_note", note)],
            actor=supervisor)

    def _consent(self, story: _Story, params: dict) -> None:
        self._complete(story, "Task_Consent", lambda v: _consent_form(v, params["given"], story.rng))
        if params["given"]:
            story.consent_on = self.clock.today()

    def _assessment(self, story: _Story, _params: dict) -> None:
        rng = story.rng
        story.areas = ["language"] + rng.sample([a for a in ASSESSMENT if a != "language"], rng.randint(2, 4))
        self._complete(story, "Task_Assessment", lambda v: _assessment_form(v, story.areas, rng))

    def _plan(self, story: _Story, _params: dict) -> None:
        self._complete(story, "Task_TargetAgreement", lambda v: _plan_form(v, story.areas, story.rng))

    def _review(self, story: _Story, params: dict) -> None:
        self._complete(story, "Task_Review", lambda v: _review_form(v, params, story.rng))

    def _closure(self, story: _Story, params: dict) -> None:
        self._complete(story, "Task_Closure", lambda v: _closure_form(v, params["reason"], story.rng))

    def _contact(self, story: _Story, params: dict) -> None:
        occurred = max(self.clock.today() - timedelta(days=params["lag"]), story.consent_on)
        interpreter = story.person["interpreter_needed"] and params["kind"] in ("office", "home_visit",
                                                                                "accompaniment")
        raw = [("occurred_on", _iso(occurred)), ("kind", params["kind"]),
               ("duration_minutes", str(params["minutes"])), ("summary", params["summary"])]
        raw += [("topics", topic) for topic in params["topics"]] + ([("interpreter_used", "on")] if interpreter else [])
        log_contact(self.demo.uow(), story.case_id, MultiDict(raw), self.actors[story.caseworker])

    def _note(self, story: _Story, params: dict) -> None:
        caseworker = self.actors[story.caseworker]
        author = self.supervisors.get(caseworker.organisation_id) if params["by_supervisor"] else None
        add_note(self.demo.uow(), story.case_id, params["text"], author or caseworker)


# --- filling in the forms ---------------------------------------------------------------------------------

def _intake_form(person: dict, municipality_id: int) -> MultiDict:
    pairs = [(key, value) for key, value in person.items()
             if key not in ("household", "interpreter_needed") and value]
    pairs += [("municipality_id", str(municipality_id))] + ([("interpreter_needed", "on")]
                                                           if person["interpreter_needed"] else [])
    for i, member in enumerate(person["household"]):
        pairs += [(f"household-{i}-{key}", value) for key, value in member.items()]
    return MultiDict(pairs)


def _consent_form(values: dict, given: bool, rng: random.Random) -> list:
    pairs = [("consent_given", "yes" if given else "no"), ("consent_date", values["consent_date"]),
             ("consent_document", "on")]
    if given:
        pairs.append(("consent_scope", "basic"))
        pairs += [("consent_scope", scope) for scope, p in (("special_categories", 0.6), ("share_with_partners", 0.7))
                  if rng.random() < p]
    return pairs


def _assessment_form(values: dict, areas: list[str], rng: random.Random) -> list:
    pairs = [("assessment_date", values["assessment_date"]), ("assessment_summary", rng.choice(ASSESSMENT_SUMMARIES))]
    for area in areas:
        situation, resources, needs = rng.choice(ASSESSMENT[area])
        pairs += [(f"{area}.situation", situation), (f"{area}.resources", resources), (f"{area}.needs", needs),
                  (f"{area}.support_needed", "on")]
    return pairs


def _goal_rows(prefix: str, areas: list[str], start: date, rng: random.Random) -> list:
    pairs = []
    for i, area in enumerate(areas):
        title, obligations, support, responsible = rng.choice(GOALS[area])
        due = start + timedelta(days=rng.randint(90, 270))
        pairs += [(f"{prefix}-{i}-life_area", area), (f"{prefix}-{i}-title", title),
                  (f"{prefix}-{i}-obligations", obligations), (f"{prefix}-{i}-support", support),
                  (f"{prefix}-{i}-responsible", responsible), (f"{prefix}-{i}-due_date", _iso(due))]
    return pairs


def _plan_form(values: dict, areas: list[str], rng: random.Random) -> list:
    chosen = rng.sample(areas, min(len(areas), rng.randint(2, 3)))
    pairs = _goal_rows("goals", chosen, date.fromisoformat(values["plan_date"]), rng)
    pairs += [("plan_date", values["plan_date"]), ("signed_by_client", "on"), ("signed_by_caseworker", "on"),
              ("signature_date", values["signature_date"])]
    return pairs + ([("plain_language_copy", "on")] if rng.random() < 0.6 else [])


def _review_form(values: dict, params: dict, rng: random.Random) -> list:
    goals, closing = values["goals"], params["close"]
    if closing:
        statuses = ["achieved" if params.get("reason") in ("goals_achieved", "livelihood_secured")
                    else rng.choice(("achieved", "partly", "not_achieved")) for _ in goals]
    else:
        statuses = rng.choices(("achieved", "partly", "open", "not_achieved", "dropped"), weights=(30, 30, 30, 5, 5),
                               k=len(goals))
        if goals and all(s in ("achieved", "dropped") for s in statuses):
            statuses[-1] = "partly"  # all goals done would end the plan: this review continues
    review_day = date.fromisoformat(values["review_date"])
    pairs = [("review_date", values["review_date"])]
    for i, (goal, status) in enumerate(zip(goals, statuses, strict=False)):
        due = goal["due_date"] if status != "partly" else _iso(review_day + timedelta(days=rng.randint(60, 150)))
        pairs += [(f"goals-{i}-goal_id", goal["goal_id"]), (f"goals-{i}-status", status),
                  (f"goals-{i}-due_date", due)]
        if status in ("not_achieved", "dropped"):
            pairs.append((f"goals-{i}-status_reason", rng.choice(GOAL_REASONS)))
    if not closing and rng.random() < 0.35:
        used = {g["life_area"] for g in goals}
        fresh = [a for a in GOALS if a not in used] or list(GOALS)
        pairs += _goal_rows("new_goals", [rng.choice(fresh)], review_day, rng)
    summary = rng.choice(REVIEW_CLOSING if closing else REVIEW_SUMMARIES)
    return pairs + [("review_summary", summary), ("next_step", "close" if closing else "continue")]


def _closure_form(values: dict, reason: str, rng: random.Random) -> list:
    pairs = [("closure_reason", reason), ("closure_date", values["closure_date"]),
             ("final_summary", CLOSURE_SUMMARIES[reason])]
    if reason in ("other", "moved_away"):
        pairs.append(("closure_reason_text", CLOSURE_TEXTS[reason]))
    pairs += [("outcomes", outcome) for outcome in OUTCOMES[reason]]
    for i, goal in enumerate(values["final_goals"]):
        final = goal["final_status"] or {"no_cooperation": "not_achieved", "goals_achieved": "achieved"}.get(
            reason, rng.choice(("partly", "not_achieved")))
        pairs += [(f"final_goals-{i}-goal_id", goal["goal_id"]), (f"final_goals-{i}-final_status", final),
                  (f"final_goals-{i}-evaluation", EVALUATIONS[final])]
    return pairs


# --- texts ------------------------------------------------------------------------------------------------

ASSESSMENT = {
    "language": [("Integrationskurs A2 abgeschlossen, Alltagsgespräche mit Unterstützung möglich.",
                  "Sehr motiviert, lernt täglich mit einer App.", "Anschluss an einen B1-Kurs mit Kinderbetreuung."),
                 ("Bisher kein Sprachkurs, nur wenige Worte Deutsch.", "Gute Englischkenntnisse.",
                  "Berechtigungsschein beim BAMF beantragen, Kursplatz suchen.")],
    "work": [("Im Herkunftsland als Elektriker gearbeitet, hier noch ohne Arbeit.", "Berufserfahrung, Führerschein.",
              "Anerkennung des Abschlusses prüfen, Kontakt zum Arbeitgeberservice."),
             ("Minijob in der Gastronomie, 10 Stunden pro Woche.", "Zuverlässig, gute Rückmeldung des Arbeitgebers.",
              "Ausweitung auf Teilzeit oder eine Ausbildung prüfen.")],
    "education": [("Zwei Kinder in der Grundschule, das jüngste Kind ohne Kita-Platz.",
                   "Eltern unterstützen bei den Hausaufgaben.",
                   "Kita-Platz beantragen, Kontakt zur Schulsozialarbeit."),
                  ("Abitur im Herkunftsland, Zeugnis nicht anerkannt.", "Hohe Lernbereitschaft.",
                   "Zeugnisanerkennung beim Regierungspräsidium beantragen.")],
    "housing": [("Familie lebt in zwei Zimmern der Anschlussunterbringung.", "Kontakt zu Ehrenamtlichen vorhanden.",
                 "Unterstützung bei der Wohnungssuche, Wohnberechtigungsschein."),
                ("Einzelzimmer in der Unterkunft, Gemeinschaftsküche.", "Eigenes Einkommen in Aussicht.",
                 "Wohnungsbesichtigungen begleiten, Bewerbungsmappe für Vermieter.")],
    "health": [("Chronische Rückenschmerzen, bisher keine Hausarztpraxis.", "Krankenversicherung vorhanden.",
                "Hausarztpraxis finden, Facharzttermin vereinbaren."),
               ("Belastung durch die Fluchterfahrung, Schlafprobleme.", "Offen für Beratung.",
                "Vermittlung an das Psychosoziale Zentrum.")],
    "family": [("Ehefrau und Kinder leben noch im Herkunftsland.", "Urkunden weitgehend vorhanden.",
                "Familiennachzug: Botschaftstermin, Übersetzungen.")],
    "finances": [("Bezieht Bürgergeld, Bescheide werden nicht verstanden.", "Eigenes Girokonto.",
                  "Bescheide erklären, Weiterbewilligung fristgerecht beantragen."),
                 ("Schulden aus einem Handyvertrag.", "Bereit, Raten zu vereinbaren.",
                  "Termin bei der Schuldnerberatung.")],
    "residence": [("Aufenthaltserlaubnis läuft in vier Monaten ab.", "Alle Nachweise vorhanden.",
                   "Verlängerung rechtzeitig bei der Ausländerbehörde beantragen.")],
    "participation": [("Wenig Kontakte außerhalb der Unterkunft.", "Spielt gern Fußball, kocht gern.",
                       "Sportverein und Begegnungscafé vermitteln.")],
    "authorities": [("Viele Briefe bleiben ungeöffnet, Fristen wurden versäumt.", "Bringt Post zu Terminen mit.",
                     "Postmappe anlegen, Fristen gemeinsam eintragen.")],
}
ASSESSMENT_SUMMARIES = ("Vorrang haben Sprache und Arbeit; Wohnungssuche parallel.",
                        "Hohe Motivation, Unterstützung vor allem bei Behörden und Wohnen.",
                        "Gesundheit zuerst stabilisieren, danach Sprachkurs.")
GOALS = {
    "language": [("Sprachkurs B1 abschließen", "Nimmt regelmäßig am Kurs teil und übt täglich.",
                  "Kursanmeldung, Kinderbetreuung und Fahrtkosten klären.", "Klient/in mit Integrationsmanagement"),
                 ("Integrationskurs beginnen", "Beantragt den Berechtigungsschein und meldet sich beim Kursträger an.",
                  "Hilfe beim Antrag, Vermittlung eines Kursplatzes.", "Integrationsmanagement")],
    "work": [("Berufsabschluss anerkennen lassen", "Reicht Zeugnisse mit Übersetzung ein.",
              "Vermittlung an die IQ-Anerkennungsberatung.", "IQ-Netzwerk / Integrationsmanagement"),
             ("Sozialversicherungspflichtige Arbeit aufnehmen", "Schreibt monatlich fünf Bewerbungen.",
              "Bewerbungstraining, Kontakt zum Arbeitgeberservice.", "Jobcenter / Klient/in")],
    "education": [("Kita-Platz für das jüngste Kind", "Meldet das Kind im Kita-Portal an.",
                   "Hilfe bei der Anmeldung, Gespräch mit der Kita-Leitung.", "Integrationsmanagement")],
    "housing": [("Eigene Wohnung finden", "Sucht wöchentlich Angebote und besichtigt Wohnungen.",
                 "Bewerbungsmappe, Kontakt zur Wohnbaugesellschaft.", "Klient/in mit Ehrenamtlichen")],
    "health": [("Hausärztliche Versorgung sichern", "Vereinbart Termine und nimmt sie wahr.",
                "Praxisliste mit Sprachkenntnissen, Dolmetschung bei Bedarf.", "Klient/in"),
               ("Psychosoziale Beratung beginnen", "Nimmt das Erstgespräch wahr.",
                "Vermittlung an das Psychosoziale Zentrum.", "Integrationsmanagement")],
    "family": [("Familiennachzug beantragen", "Beschafft Urkunden und lässt sie übersetzen.",
                "Begleitung des Verfahrens, Kontakt zur Ausländerbehörde.", "Klient/in mit Integrationsmanagement")],
    "finances": [("Schulden regulieren", "Hält die vereinbarten Raten ein.", "Vermittlung an die Schuldnerberatung.",
                  "Schuldnerberatung"),
                 ("Leistungsbescheide selbst verstehen", "Legt Bescheide in der Postmappe ab.",
                  "Bescheide erklären, Fristenkalender anlegen.", "Klient/in")],
    "residence": [("Aufenthaltserlaubnis rechtzeitig verlängern", "Vereinbart den Termin bei der Ausländerbehörde.",
                   "Checkliste der Unterlagen, Begleitung bei Bedarf.", "Klient/in")],
    "participation": [("Mitglied in einem Verein werden", "Besucht ein Probetraining.",
                       "Kontakt zum Verein und zu Ehrenamtlichen.", "Ehrenamtliche / Klient/in")],
    "authorities": [("Behördenpost selbstständig bearbeiten", "Öffnet Post sofort und bringt Unklares mit.",
                     "Gemeinsame Postmappe, Übungen mit Formularen.", "Klient/in")],
}
CONTACT_SUMMARIES = (
    ("work", "Bewerbungsunterlagen überarbeitet, zwei Stellenangebote besprochen."),
    ("work", "Termin beim Jobcenter begleitet, Eingliederungsvereinbarung erklärt."),
    ("housing", "Wohnungsangebote gesichtet, Besichtigung für nächste Woche vereinbart."),
    ("finances", "Leistungsbescheid erklärt, Weiterbewilligungsantrag ausgefüllt."),
    ("language", "Kursplatz beim Sprachkursträger bestätigt, Kinderbetreuung organisiert."),
    ("authorities", "Post der letzten Wochen gemeinsam durchgesehen, zwei Fristen notiert."),
    ("health", "Termin in der Hausarztpraxis vereinbart, Dolmetschung angefragt."),
    ("education", "Gespräch mit der Schulsozialarbeit über die Hausaufgabenbetreuung."),
    ("residence", "Unterlagen für die Verlängerung bei der Ausländerbehörde zusammengestellt."),
    ("participation", "Kontakt zum Sportverein hergestellt, Probetraining vereinbart."),
)
NOTES = ("Bittet um Termine am Vormittag wegen der Kinderbetreuung.", "Dolmetscherin für Folgetermine angefragt.",
         "Ehrenamtlicher Herr Bauer begleitet zu Wohnungsbesichtigungen.",
         "Fallbesprechung im Team: weiteres Vorgehen abgestimmt.", "Rückruf der Ausländerbehörde steht noch aus.",
         "Unterlagen für die Anerkennung vollständig eingereicht.", "Neue Handynummer, in den Stammdaten ergänzt.")
INTAKE_NOTES = ("Erstgespräch in der Unterkunft, Unterkunftsmanager war dabei.", "Zuweisung durch die Gemeinde.",
                "Kam auf Empfehlung der Flüchtlingsbeauftragten.", "")
ELIGIBILITY_NOTES = {
    True: "Ausbildungsduldung nach § 60c AufenthG, Ausbildung in der Pflegehilfe begonnen: Ausnahme genehmigt.",
    False: "Vollziehbar ausreisepflichtig, keine Bleibeperspektive. Verweis an die Rückkehr- und Perspektivberatung.",
}
GOAL_REASONS = ("Kurs wurde wegen Krankheit abgebrochen.", "Vorrang hat derzeit die Wohnungssuche.",
                "Angebot vor Ort nicht verfügbar.")
REVIEW_SUMMARIES = ("Sprachkurs läuft, Wohnungssuche weiterhin schwierig.", "Gute Fortschritte, Ziele angepasst.",
                    "Wenig Kontakt in den letzten Wochen, neue Termine vereinbart.")
REVIEW_CLOSING = ("Ziele weitgehend erreicht, Abschluss wird vorbereitet.", "Begleitung endet, Abschluss vereinbart.")
CLOSURE_SUMMARIES = {
    "livelihood_secured": "Unbefristete Vollzeitstelle, kein Leistungsbezug mehr.",
    "goals_achieved": "Alle vereinbarten Ziele erreicht, keine weitere Begleitung nötig.",
    "moved_away": "Umzug in eine andere Kommune, Übergabe an das dortige Integrationsmanagement.",
    "no_cooperation": "Trotz mehrfacher Einladung keine Termine wahrgenommen.",
    "eligibility_ended": "Höchstdauer der Beratung erreicht, Verweis an die Migrationsberatung.",
    "other": "Wechsel in die Migrationsberatung für Erwachsene (MBE).",
}
CLOSURE_TEXTS = {"moved_away": "Umzug zu Verwandten nach Stuttgart; Übergabe mit Einwilligung erfolgt.",
                 "other": "Begleitung wird von der MBE des Jugendmigrationsdienstes übernommen."}
OUTCOMES = {"livelihood_secured": ("work_taken_up", "benefits_independent"),
            "goals_achieved": ("language_certificate", "own_housing"), "moved_away": ("own_housing",),
            "no_cooperation": (), "eligibility_ended": ("language_certificate",), "other": ()}
EVALUATIONS = {"achieved": "Ziel erreicht.", "partly": "Teilweise erreicht, Grundlage ist gelegt.",
               "not_achieved": "Nicht erreicht.", "dropped": "Im Verlauf verworfen."}

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "DemoSummary", "has_demo_data", "load_demo", "summarise"]
