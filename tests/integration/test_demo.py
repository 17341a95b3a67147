"""Demo data: a first start gets a small district with clients in every phase, built through the real services."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.access import authenticate
from engine.bootstrap import bootstrap
from engine.config import Settings
from engine.db import Case, Client, Contact, Event, Note, OpenTask, Organisation, User
from engine.demo import DEMO_PASSWORD, DEMO_USERS, has_demo_data, load_demo
from engine.errors import Conflict
from engine.setup import prepare_database

JOURNEY_PHASES = {"consent", "assessment", "plan", "review", "closed", "eligibility"}


def _fresh_container(path):
    container = bootstrap(Settings(database_url=f"sqlite:///{path}"))
    prepare_database(container)
    return container


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo load shared by the read-only tests of this module."""
    container = _fresh_container(tmp_path_factory.mktemp("demo") / "t.sqlite")
    summary = load_demo(container)
    yield container, summary
    container.engine.dispose()


def _all(container, stmt):
    with container.reader() as reader:
        return reader.session.execute(stmt).all()


def _scalar(container, stmt):
    with container.reader() as reader:
        return reader.session.execute(stmt).scalar_one()


def test_empty_database_has_no_demo_data(tmp_path):
    container = _fresh_container(tmp_path / "t.sqlite")
    assert has_demo_data(container) is False


def test_demo_covers_every_phase_of_the_journey(demo):
    container, summary = demo
    phases = dict(_all(container, select(Case.phase, func.count()).group_by(Case.phase)))
    assert sum(phases.values()) >= 40
    assert JOURNEY_PHASES <= set(phases)
    assert summary.cases == sum(phases.values()) and summary.cases_by_phase == phases
    assert has_demo_data(container) is True


def test_demo_staff_spans_organisations_and_every_role(demo):
    container, summary = demo
    caseworker_orgs = _all(container, select(User.username, User.organisation_id).where(User.role == "caseworker"))
    assert len(caseworker_orgs) >= 3
    assert len({org for _name, org in caseworker_orgs}) >= 2
    roles = {role for (role,) in _all(container, select(User.role).distinct())}
    assert roles == {"caseworker", "supervisor", "compliance", "admin", "privacy"}
    assert summary.organisations == 3 and sum(summary.users_by_role.values()) == len(DEMO_USERS)


@pytest.mark.parametrize("username", [user[0] for user in DEMO_USERS])
def test_every_demo_user_logs_in_with_the_documented_password(demo, username):
    container, _summary = demo
    actor = authenticate(container.uow(), username, DEMO_PASSWORD)
    assert actor is not None and actor.username == username


def test_some_open_tasks_are_overdue_in_several_steps(demo):
    container, summary = demo
    today = container.clock.today()
    overdue = _all(container, select(OpenTask.task_spec, OpenTask.due_on).where(OpenTask.due_on < today))
    assert overdue and len(overdue) == summary.overdue_tasks
    assert {"Task_Assessment", "Task_TargetAgreement", "Task_Review"} <= {spec for spec, _due in overdue}


def test_cases_went_through_several_reviews(demo):
    container, _summary = demo
    reviews = _all(container, select(Event.case_id, func.count()).where(Event.kind == "goals_reviewed")
                   .group_by(Event.case_id))
    assert max(count for _case, count in reviews) >= 2


def test_closures_have_at_least_three_different_reasons(demo):
    container, summary = demo
    closed = _all(container, select(Case.closure_reason, Case.closed_on).where(Case.status == "closed"))
    assert all(reason and closed_on for reason, closed_on in closed)
    reasons = {reason for reason, _on in closed}
    assert len(reasons) >= 3 and {"no_consent", "not_eligible"} <= reasons
    assert set(summary.closures_by_reason) == reasons


def test_tolerated_clients_wait_for_the_supervisor(demo):
    container, _summary = demo
    waiting = _all(container, select(Client.residence_status, OpenTask.title, OpenTask.role, OpenTask.assignee_id)
                   .join(Case, Case.client_id == Client.id).join(OpenTask, OpenTask.case_id == Case.id)
                   .where(Case.phase == "eligibility"))
    assert 1 <= len(waiting) <= 2
    assert all(row == ("toleration", "Förderfähigkeit prüfen", "supervisor", None) for row in waiting)


def test_active_cases_with_consent_have_contacts_and_notes(demo):
    container, summary = demo
    active = {case_id for (case_id,) in _all(container, select(Case.id).where(
        Case.status == "open", Case.consent_date.is_not(None)))}
    with_contacts = {case_id for (case_id,) in _all(container, select(Contact.case_id).distinct())}
    assert active and active <= with_contacts
    assert summary.notes == _scalar(container, select(func.count()).select_from(Note)) > 0
    before_consent = _scalar(container, select(func.count()).select_from(Contact).join(Case, Case.id == Contact.case_id)
                             .where(Contact.occurred_on < Case.consent_date))
    assert before_consent == 0


def test_history_is_backdated_but_never_in_the_future(demo):
    container, _summary = demo
    now, today = container.clock.now(), container.clock.today()
    assert _scalar(container, select(func.min(Case.intake_date))) <= today - timedelta(days=180)
    assert _scalar(container, select(func.max(Event.at))) <= now
    assert _scalar(container, select(func.count()).select_from(Contact).where(Contact.occurred_on > today)) == 0


def test_loading_twice_is_refused_and_changes_nothing(demo):
    container, _summary = demo

    def counts():
        return [_scalar(container, select(func.count()).select_from(model)) for model in (Organisation, User, Case)]

    before = counts()
    with pytest.raises(Conflict):
        load_demo(container)
    assert counts() == before


def test_same_seed_gives_the_same_clients(tmp_path):
    def clients(name):
        container = _fresh_container(tmp_path / name)
        load_demo(container, cases=8, seed=11)
        result = _all(container, select(Case.reference, Client.first_name, Client.last_name, Case.phase)
                      .join(Client, Client.id == Case.client_id).order_by(Case.reference))
        container.engine.dispose()
        return result

    first = clients("a.sqlite")
    assert len(first) == 8
    assert clients("b.sqlite") == first
