"""The deadline overview ("Fristen") on a real database: counts, boundaries, sorting, filters, tenancy, queries."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from engine.casework import unclaim_task
from engine.db import Case, OpenTask, Setting
from engine.errors import Forbidden, InvalidInput
from engine.time import DETAIL_LIMIT, UNASSIGNED, DeadlineParams, deadline_overview, load_params
from journey import CONSENT, Driver
from support import intake_form, statements

ASSESSMENT_DUE = date(2026, 2, 12)   # intake on the fake clock's first day (15.01.2026) + P4W


def _overview(container, actor, limit=DETAIL_LIMIT, **params):
    with container.reader() as r:
        return deadline_overview(r, actor, params, limit=limit)


def _to_day(clock, day: date) -> None:
    clock.advance(days=(day - clock.today()).days)


def _assessment_case(container, actor, town: int, last_name: str, **form) -> str:
    """Open a case and record consent: the open task is the needs assessment, due intake + 4 weeks."""
    driver = Driver(container)
    case_id = driver.open(actor, intake_form(town, last_name=last_name, **form))
    driver.complete(actor, case_id, CONSENT, expect="Task_Consent")
    return case_id


def _counts(rows) -> dict:
    return {c.name: (c.overdue, c.escalated, c.soon, c.total) for c in rows}


@pytest.fixture
def scene(container, world, clock):
    """Seven items on 01.03.2026, in two organisations (see the comments for each one's due date).

    Org A (Astadt): Adler (anna) 12.02. overdue 17 days, escalated; Ende 20.01. counselling ended 40 days ago,
    escalated; Frueh 05.03. soon; Beratung 01.04. counselling ends, soon. Berg (ben) 22.02. overdue 7 days.
    Offen 05.03. soon, unassigned. Org B (Bdorf): Dietz (dora) 12.02. overdue 17 days, escalated.
    """
    ids = {"Adler": _assessment_case(container, world.anna, world.town_a, "Adler"),
           "Dietz": _assessment_case(container, world.dora, world.town_b, "Dietz")}
    driver = Driver(container)
    ids["Beratung"] = driver.open(world.anna, intake_form(world.town_a, last_name="Beratung",
                                                          counselling_start="2023-04-01"))
    ids["Ende"] = driver.open(world.anna, intake_form(world.town_a, last_name="Ende", counselling_start="2023-01-20"))
    _to_day(clock, date(2026, 1, 25))
    ids["Berg"] = _assessment_case(container, world.ben, world.town_a, "Berg")
    _to_day(clock, date(2026, 2, 5))
    ids["Frueh"] = _assessment_case(container, world.anna, world.town_a, "Frueh")
    ids["Offen"] = _assessment_case(container, world.anna, world.town_a, "Offen")
    task = driver.open_task(ids["Offen"])
    unclaim_task(container.uow(), task.id, world.anna)
    _to_day(clock, date(2026, 3, 1))
    return ids


# --- counts --------------------------------------------------------------------------------------------------

def test_supervisor_sees_counts_per_caseworker_and_municipality_of_her_organisation(container, world, scene):
    o = _overview(container, world.carla)

    assert _counts(o.by_caseworker) == {"Anna Adler": (2, 2, 2, 4), "Ben Berg": (1, 0, 0, 1), None: (0, 0, 1, 1)}
    assert [c.name for c in o.by_caseworker] == ["Anna Adler", "Ben Berg", None]   # unassigned last
    assert o.by_caseworker[-1].key is None
    assert _counts(o.by_municipality) == {"Astadt": (3, 2, 3, 6)}
    assert (o.totals.overdue, o.totals.escalated, o.totals.soon, o.total) == (3, 2, 3, 6)
    assert len(o.rows) == 6


def test_detail_rows_carry_case_client_person_municipality_and_days(container, world, scene):
    rows = {r.client_name: r for r in _overview(container, world.carla).rows}

    adler = rows["Adler, Amina"]
    assert (adler.kind, adler.title, adler.due_on, adler.days_overdue, adler.escalated) == \
        ("task", "Bedarfsanalyse", ASSESSMENT_DUE, 17, True)
    assert (adler.case_id, adler.responsible, adler.municipality) == (scene["Adler"], "Anna Adler", "Astadt")
    assert adler.reference.startswith("2026-")
    ende = rows["Ende, Amina"]
    assert (ende.kind, ende.title, ende.due_on, ende.days_overdue, ende.escalated) == \
        ("counselling_end", None, date(2026, 1, 20), 40, True)
    assert (rows["Berg, Amina"].days_overdue, rows["Berg, Amina"].escalated) == (7, False)
    assert rows["Frueh, Amina"].days_overdue == -4 and not rows["Frueh, Amina"].overdue
    assert rows["Offen, Amina"].responsible is None and rows["Offen, Amina"].responsible_id is None
    assert rows["Beratung, Amina"].due_on == date(2026, 4, 1)


def test_tasks_without_due_date_are_not_deadlines(container, world):
    Driver(container).open(world.anna, intake_form(world.town_a))   # open task: consent, no due date

    o = _overview(container, world.carla)
    assert (o.total, o.rows, o.by_caseworker, o.by_municipality) == (0, [], [], [])


def test_closed_cases_counselling_end_is_not_listed(container, world, clock):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a, counselling_start="2023-03-01"))
    assert _overview(container, world.carla).total == 1
    uow = container.uow()
    with uow:
        uow.session.get(Case, case_id).status = "closed"
        uow.commit()
    assert _overview(container, world.carla).total == 0


# --- boundaries ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("days_after_due", "listed", "overdue", "escalated"), [
    (-15, False, False, False),   # beyond the 14-day reminder lead
    (-14, True, False, False),    # first day of the reminder lead
    (0, True, False, False),      # due today is not yet overdue
    (1, True, True, False),
    (14, True, True, False),      # overdue exactly escalation_after: not yet escalated
    (15, True, True, True),
])
def test_task_states_at_their_exact_day_boundaries(container, world, clock, days_after_due, listed, overdue,
                                                   escalated):
    _assessment_case(container, world.anna, world.town_a, "Grenz")
    _to_day(clock, ASSESSMENT_DUE + timedelta(days=days_after_due))

    o = _overview(container, world.carla)
    assert o.total == int(listed)
    if not listed:
        return
    (row,) = o.rows
    assert (row.days_overdue, row.overdue, row.escalated) == (days_after_due, overdue, escalated)
    (anna,) = o.by_caseworker
    assert (anna.overdue, anna.escalated, anna.soon) == (int(overdue), int(escalated), int(not overdue))


@pytest.mark.parametrize(("counselling_start", "listed"), [("2023-04-15", True), ("2023-04-16", False)])
def test_counselling_end_is_listed_from_exactly_the_warning_time_before(container, world, counselling_start,
                                                                       listed):
    # Today 15.01.2026 + P3M = 15.04.2026: a period ending then is shown, one ending a day later is not yet.
    Driver(container).open(world.anna, intake_form(world.town_a, counselling_start=counselling_start))

    o = _overview(container, world.carla)
    assert o.total == int(listed)
    if listed:
        assert (o.rows[0].kind, o.rows[0].days_overdue, o.rows[0].responsible) == \
            ("counselling_end", -90, "Anna Adler")


def test_configured_deadlines_move_the_boundaries(container, world, clock):
    _assessment_case(container, world.anna, world.town_a, "Grenz")
    _to_day(clock, ASSESSMENT_DUE + timedelta(days=10))
    assert _overview(container, world.carla).rows[0].escalated is False
    uow = container.uow()
    with uow:
        uow.session.add(Setting(key="deadlines", value={"escalation_after": "P1W", "reminder_lead": "P3D"}))
        uow.commit()

    o = _overview(container, world.carla)
    assert o.rows[0].escalated is True
    assert o.durations["escalation_after"] == (0, 0, 7) and o.durations["reminder_lead"] == (0, 0, 3)


@pytest.mark.parametrize(("today", "escalated"), [(date(2026, 3, 12), False), (date(2026, 3, 13), True)])
def test_escalation_after_months_counts_calendar_months(container, world, clock, today, escalated):
    _assessment_case(container, world.anna, world.town_a, "Grenz")   # due 12.02.; + P1M = 12.03.
    uow = container.uow()
    with uow:
        uow.session.add(Setting(key="deadlines", value={"escalation_after": "P1M"}))
        uow.commit()
    _to_day(clock, today)

    (row,) = _overview(container, world.carla).rows
    assert row.escalated is escalated


# --- sorting and filters ---------------------------------------------------------------------------------------

def _names(o) -> list[str]:
    return [r.client_name.split(",")[0] for r in o.rows]


@pytest.mark.parametrize(("sort", "order", "expected"), [
    ("due", None, ["Ende", "Adler", "Berg", "Frueh", "Offen", "Beratung"]),
    ("due", "desc", ["Beratung", "Frueh", "Offen", "Berg", "Adler", "Ende"]),   # ties: by reference
    ("overdue", None, ["Ende", "Adler", "Berg", "Frueh", "Offen", "Beratung"]),   # most days overdue first
    ("overdue", "asc", ["Beratung", "Frueh", "Offen", "Berg", "Adler", "Ende"]),
    ("caseworker", None, ["Ende", "Adler", "Frueh", "Beratung", "Berg", "Offen"]),  # then by due date
    ("caseworker", "desc", ["Berg", "Ende", "Adler", "Frueh", "Beratung", "Offen"]),  # unassigned stays last
])
def test_detail_list_sorts_by_each_column(container, world, scene, sort, order, expected):
    params = {"sort": sort} | ({"order": order} if order else {})
    assert _names(_overview(container, world.carla, **params)) == expected


@pytest.mark.parametrize("state", ["all", "overdue", "soon"])
@pytest.mark.parametrize(("sort", "order"), [("due", None), ("due", "desc"), ("overdue", None), ("overdue", "asc")])
@pytest.mark.parametrize("limit", [2, 4])
def test_a_short_list_is_the_start_of_the_full_list(container, world, scene, sort, order, state, limit):
    # The list is cut at the limit inside the database (only the first items and their due-date ties are joined);
    # whatever the cut, it must be exactly the first rows of the fully sorted list, ties by reference included.
    params = {"sort": sort, "state": state} | ({"order": order} if order else {})
    full = _overview(container, world.carla, **params)
    short = _overview(container, world.carla, limit=limit, **params)
    assert [(r.case_id, r.kind) for r in short.rows] == [(r.case_id, r.kind) for r in full.rows][:limit]
    assert short.total == full.total


@pytest.mark.parametrize(("order", "expected"), [
    (None, ["Ende", "Adler", "Berg", "Frueh", "Offen", "Beratung", "Dietz"]),
    ("desc", ["Dietz", "Ende", "Adler", "Berg", "Frueh", "Offen", "Beratung"]),
])
def test_detail_list_sorts_by_municipality(container, world, scene, order, expected):
    params = {"sort": "municipality"} | ({"order": order} if order else {})
    assert _names(_overview(container, world.erik, **params)) == expected


def test_filter_by_municipality_narrows_counts_and_list(container, world, scene):
    o = _overview(container, world.erik, municipality=str(world.town_b))
    assert _names(o) == ["Dietz"]
    assert _counts(o.by_caseworker) == {"Dora Dietz": (1, 1, 0, 1)}
    assert _counts(o.by_municipality) == {"Bdorf": (1, 1, 0, 1)}


@pytest.mark.parametrize(("who", "expected"), [("ben", ["Berg"]), ("anna", ["Ende", "Adler", "Frueh", "Beratung"])])
def test_filter_by_caseworker(container, world, scene, who, expected):
    o = _overview(container, world.carla, caseworker=str(world.users[who].id))
    assert _names(o) == expected
    assert [c.key for c in o.by_caseworker] == [world.users[who].id]


def test_filter_unassigned(container, world, scene):
    o = _overview(container, world.carla, caseworker=str(UNASSIGNED))
    assert _names(o) == ["Offen"]
    assert _counts(o.by_caseworker) == {None: (0, 0, 1, 1)}


@pytest.mark.parametrize(("state", "expected", "total"), [
    ("overdue", ["Ende", "Adler", "Berg"], 3),
    ("soon", ["Frueh", "Offen", "Beratung"], 3),
    ("all", ["Ende", "Adler", "Berg", "Frueh", "Offen", "Beratung"], 6),
])
def test_state_filter_narrows_the_list_but_not_the_summary(container, world, scene, state, expected, total):
    o = _overview(container, world.carla, state=state)
    assert _names(o) == expected and o.total == total
    assert _counts(o.by_municipality) == {"Astadt": (3, 2, 3, 6)}


def test_detail_list_is_bounded_and_reports_the_total(container, world, scene):
    o = _overview(container, world.carla, limit=2)
    assert _names(o) == ["Ende", "Adler"] and o.total == 6
    assert o.totals.total == 6


def test_filter_options_are_the_organisations_people_and_municipalities(container, world, scene):
    o = _overview(container, world.carla)
    assert [name for _id, name in o.caseworkers] == ["Anna Adler", "Ben Berg", "Carla Cramer"]
    assert [name for _id, name in o.municipalities] == ["Astadt"]
    assert {name for _id, name in _overview(container, world.erik).caseworkers} >= {"Dora Dietz", "Anna Adler"}


# --- tenancy -------------------------------------------------------------------------------------------------

def test_supervisor_sees_only_her_organisation_and_compliance_sees_all(container, world, scene):
    carla = _overview(container, world.carla)
    assert "Dietz" not in _names(carla) and "Dora Dietz" not in _counts(carla.by_caseworker)
    # Filtering on another organisation's municipality reveals nothing.
    assert _overview(container, world.carla, municipality=str(world.town_b)).total == 0

    erik = _overview(container, world.erik)
    assert erik.total == 7
    assert _counts(erik.by_municipality) == {"Astadt": (3, 2, 3, 6), "Bdorf": (1, 1, 0, 1)}
    assert _counts(erik.by_caseworker)["Dora Dietz"] == (1, 1, 0, 1)


@pytest.mark.parametrize("who", ["anna", "dora"])
def test_caseworkers_are_forbidden(container, world, who):
    with pytest.raises(Forbidden) as exc:
        _overview(container, world.users[who])
    assert "Teamleitung" in exc.value.message


# --- parameters ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "field", "word"), [
    ({"sort": "name"}, "sort", "Sortierung"),
    ({"order": "up"}, "order", "Sortierrichtung"),
    ({"state": "late"}, "state", "Fristenstatus"),
    ({"municipality": "abc"}, "municipality", "Kommune"),
    ({"municipality": "0"}, "municipality", "Kommune"),
    ({"municipality": "99999999999999"}, "municipality", "Kommune"),
    ({"caseworker": "-1"}, "caseworker", "zuständige Person"),
])
def test_bad_parameters_are_rejected_in_german(raw, field, word):
    with pytest.raises(InvalidInput) as exc:
        load_params(raw)
    assert list(exc.value.errors) == [field]
    assert word in exc.value.message and exc.value.message.startswith("Ungültige Angaben")


def test_defaults_and_empty_values():
    assert load_params({"municipality": "", "caseworker": "", "sort": "", "x": "y"}) == DeadlineParams()
    assert load_params({}).direction == "asc"
    assert load_params({"sort": "overdue"}).direction == "desc"
    assert load_params({"caseworker": "0"}).caseworker_id == UNASSIGNED


def test_forbidden_comes_before_parameter_errors(container, world):
    with pytest.raises(Forbidden):
        _overview(container, world.anna, sort="name")


# --- set-based reading ---------------------------------------------------------------------------------------



def test_number_of_statements_does_not_grow_with_the_rows(container, world, clock):
    def open_cases(n: int) -> None:
        for i in range(n):
            _assessment_case(container, world.anna if i % 2 else world.ben, world.town_a, f"Fall{i:02d}")

    open_cases(3)
    _to_day(clock, ASSESSMENT_DUE + timedelta(days=1))
    with statements(container) as few:
        assert _overview(container, world.carla).total == 3
    open_cases(27)
    _to_day(clock, ASSESSMENT_DUE + timedelta(days=30))   # the later cases are overdue too
    with statements(container) as many:
        o = _overview(container, world.carla)
    assert o.total == 30 and len(o.rows) == 30
    assert len(many) == len(few) <= 8
    with container.reader() as r:
        assert len(r.session.execute(select(OpenTask.id)).all()) == 30
