"""The state report: figures per municipality from a real journey, as-of reproducibility, scope, bad input."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.errors import Forbidden, InvalidInput
from engine.reporting import record_eligible_persons, state_report
from report_data import close_case, served_household
from support import intake_form, statements


def _report(container, actor, **args):
    with container.reader() as r:
        return state_report(r, actor, {k: str(v) for k, v in args.items()})


def _iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _unit(report, municipality):
    return next(u for u in report.units if u.municipality == municipality)


@pytest.fixture
def journey(container, world):
    """One household of three in Astadt with two goals: (driver, case id, moment before the first review)."""
    return served_household(container, world)


def test_report_counts_a_household_its_plan_contact_and_goals(container, world, journey):
    report = _report(container, world.erik, year=2026, quarter=1)
    astadt = _unit(report, "Astadt")
    assert (astadt.cases_served, astadt.persons_served, astadt.new_cases, astadt.plans_agreed) == (1, 3, 1, 1)
    assert (astadt.sessions, astadt.session_minutes) == (1, 90)
    assert astadt.goals == {("language", "partly"): 2}
    assert _unit(report, "Bdorf").has_data is False
    assert report.total.persons_served == 3 and not report.is_empty
    assert report.rule_version == "Pflichtschritt-Regeln Version 1"


def test_same_as_of_time_gives_the_same_figures_after_later_changes(container, world, journey, clock):
    drive, case_id, before_review = journey
    as_of = _iso(before_review)
    first = _report(container, world.erik, year=2026, as_of=as_of)
    assert _unit(first, "Astadt").goals == {("language", "open"): 2}
    close_case(drive, world, case_id)
    again = _report(container, world.erik, year=2026, as_of=as_of)
    assert _unit(again, "Astadt") == _unit(first, "Astadt")
    now = _report(container, world.erik, year=2026)
    assert _unit(now, "Astadt").goals == {("language", "achieved"): 2}
    assert _unit(now, "Astadt").closures == {"goals_achieved": 1}
    assert _unit(now, "Astadt").outcomes == {"language_certificate": 1}
    assert _unit(first, "Astadt").closures_total == 0


def test_periods_select_by_domain_date(container, world, journey, clock):
    drive, case_id, _ = journey
    close_case(drive, world, case_id)
    clock.set(datetime(2026, 10, 2, 9, 0, tzinfo=UTC))
    q1, q4 = _report(container, world.erik, year=2026, quarter=1), _report(container, world.erik, year=2026, quarter=4)
    assert (_unit(q1, "Astadt").new_cases, _unit(q1, "Astadt").closures_total) == (1, 0)
    assert (_unit(q4, "Astadt").new_cases, _unit(q4, "Astadt").closures_total) == (0, 1)
    assert _unit(q4, "Astadt").cases_served == 1        # counselled until its closure in Q4


def test_coverage_uses_the_eligible_persons_valid_at_the_as_of_time(container, world, journey, clock):
    record_eligible_persons(container.uow(), world.erik, {"municipality": world.town_a, "year": "2026",
                                                          "persons": "12"})
    entered = clock.now()
    clock.advance(hours=1)
    record_eligible_persons(container.uow(), world.erik, {"municipality": world.town_a, "year": "2026",
                                                          "quarter": "1", "persons": "6"})
    assert _unit(_report(container, world.erik, year=2026, quarter=1), "Astadt").coverage == 0.5
    assert _unit(_report(container, world.erik, year=2026, quarter=2), "Astadt").coverage == 0.25
    early = _report(container, world.erik, year=2026, quarter=1, as_of=_iso(entered))
    assert _unit(early, "Astadt").eligible_persons == 12
    assert _unit(early, "Bdorf").coverage is None


def test_supervisor_sees_only_their_organisation(container, world, journey):
    report = _report(container, world.users["carla"], year=2026)
    assert [u.municipality for u in report.units] == ["Astadt"]
    assert report.scope == "Caritas Test"
    with pytest.raises(InvalidInput) as err:
        _report(container, world.users["carla"], year=2026, municipality=world.town_b)
    assert err.value.errors == {"municipality": "Die Kommune ist ungültig."}
    with pytest.raises(InvalidInput):
        _report(container, world.users["carla"], year=2026, organisation=world.org_b)


def test_caseworkers_get_no_report(container, world):
    with pytest.raises(Forbidden):
        _report(container, world.anna, year=2026)


def test_empty_period_is_no_data_not_an_error(container, world):
    report = _report(container, world.erik, year=2025)
    assert report.is_empty and report.total.cases_served == 0


@pytest.mark.parametrize("args, field", [
    ({"year": "zwanzig"}, "year"), ({"year": "2014"}, "year"), ({"year": "2027"}, "year"),
    ({"quarter": "5"}, "quarter"), ({"municipality": "x"}, "municipality"), ({"as_of": "gestern"}, "as_of"),
    ({"as_of": "2026-02-01"}, "as_of"), ({"year": "2026", "quarter": "2", "as_of": "2026-01-01"}, "as_of"),
])
def test_bad_parameters_are_rejected_in_german(container, world, args, field):
    with pytest.raises(InvalidInput) as err:
        _report(container, world.erik, **args)
    assert field in err.value.errors
    assert err.value.message.startswith("Ungültige Angaben:")


def test_statement_count_does_not_grow_with_the_cases(container, world, journey):
    with statements(container) as seen:
        _report(container, world.erik, year=2026)
    drive = journey[0]
    for _ in range(2):
        drive.to_review(world.dora, intake_form(world.town_b), goals=3)
    with statements(container) as again:
        report = _report(container, world.erik, year=2026)
    assert report.total.cases_served == 3
    assert len(again) == len(seen) <= 14
