"""A failed timer step is shown on the case page; the team lead restarts it."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from engine.db import WorkflowState
from journey import Driver
from support import add_user, count_rows, intake_form


@pytest.fixture
def errored_case(container, world):
    """A case waiting for its review whose timer step failed."""
    case_id = Driver(container).to_review(world.anna, intake_form(world.town_a))
    with container.uow() as uow:
        uow.session.execute(update(WorkflowState).where(WorkflowState.case_id == case_id).values(
            timer_error="Bedingung fehlerhaft: NameError: name 'x' is not defined",
            timer_error_at=datetime(2026, 5, 1, 6, 0, tzinfo=UTC)))
        uow.commit()
    return case_id


def test_supervisor_sees_the_error_and_restarts_the_timer(signed_in, container, errored_case):
    carla = signed_in("carla")
    page = carla.get(f"/cases/{errored_case}").get_data(as_text=True)
    assert "Eine Frist dieses Falls konnte nicht verarbeitet werden" in page
    assert "NameError" in page and "Erneut versuchen" in page
    response = carla.post(f"/cases/{errored_case}/timer/retry")
    assert response.status_code == 302
    with container.reader() as r:
        assert r.session.get(WorkflowState, errored_case).timer_error is None
    assert "konnte nicht verarbeitet werden" not in carla.get(f"/cases/{errored_case}").get_data(as_text=True)


def test_caseworker_sees_the_error_but_cannot_restart(signed_in, container, errored_case):
    anna = signed_in("anna")
    page = anna.get(f"/cases/{errored_case}").get_data(as_text=True)
    assert "Die Teamleitung ist informiert." in page and "Erneut versuchen" not in page
    assert anna.post(f"/cases/{errored_case}/timer/retry").status_code == 403
    with container.reader() as r:
        assert r.session.get(WorkflowState, errored_case).timer_error is not None


def test_other_organisation_cannot_see_or_restart(signed_in, container, world, errored_case):
    dora = signed_in("dora")
    assert dora.post(f"/cases/{errored_case}/timer/retry").status_code in (403, 404)
    assert count_rows(container, WorkflowState, timer_error=None) == 0


def test_failed_timers_are_listed_for_the_team_lead(signed_in, errored_case):
    page = signed_in("carla").get("/fristen").get_data(as_text=True)
    assert "Fehlgeschlagene Fristen" in page and errored_case in page and "NameError" in page


def test_failed_timers_of_another_organisation_are_not_listed(signed_in, container, world, errored_case):
    add_user(container, world, "bea", "Bea Boss", "supervisor", world.org_b)
    page = signed_in("bea").get("/fristen").get_data(as_text=True)
    assert "Fehlgeschlagene Fristen" not in page and errored_case not in page
