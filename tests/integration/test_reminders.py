"""Deadline reminders: the daily pass on the fake clock, each kind and stage, once per period, DST-safe."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from engine.casework import assign_task, unclaim_task
from engine.clock import BERLIN
from engine.db import OpenTask, Reminder, Setting, User
from engine.time import run_reminder_pass
from engine.time.reminders import _insert_new
from journey import ASSESSMENT, CONSENT, Driver
from support import intake_form, rows

ASSESSMENT_DUE = date(2026, 2, 12)          # intake 15.01.2026 + P4W
TARGET_AGREEMENT_DUE = date(2026, 3, 12)    # intake 15.01.2026 + P8W
KINDS = [("assessment", ASSESSMENT_DUE, "Bedarfsanalyse"),
         ("target_agreement", TARGET_AGREEMENT_DUE, "Integrationsplan und Zielvereinbarung")]


@pytest.fixture
def drive(container) -> Driver:
    """Drives cases through the journey with the real services."""
    return Driver(container)


def _at(clock, day: date | str, time: str = "09:00") -> None:
    """Set the clock to a Berlin wall-clock time on `day`."""
    local = datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=BERLIN)
    clock.set(local.astimezone(UTC))


def _pass_on(container, day: date | str, time: str = "09:00") -> int:
    _at(container.clock, day, time)
    return run_reminder_pass(container)


def _open_case(drive, world, kind: str = "assessment", **intake) -> str:
    """A case of Anna's whose open task is the assessment or (after it) the target agreement."""
    case_id = drive.open(world.anna, intake_form(world.town_a, **intake))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    if kind == "target_agreement":
        drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    return case_id




def _add_user(container, username: str, role: str, organisation_id: int, active: bool = True) -> int:
    uow = container.uow()
    with uow:
        user = User(username=username, display_name=username.title(), role=role, organisation_id=organisation_id,
                    password_hash="x", active=active, created_at=container.clock.now())
        uow.session.add(user)
        uow.commit()
        return user.id


def _set_deadlines(container, **values) -> None:
    uow = container.uow()
    with uow:
        uow.session.merge(Setting(key="deadlines", value=values))
        uow.commit()


# --- upcoming ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "due", "subject"), KINDS)
def test_upcoming_reminder_comes_once_at_lead_time_and_not_before(container, world, drive, kind, due, subject):
    case_id = _open_case(drive, world, kind)
    assert _pass_on(container, due - timedelta(days=15)) == 0
    assert rows(container, Reminder) == []

    assert _pass_on(container, due - timedelta(days=14)) == 1
    [reminder] = rows(container, Reminder)
    assert (reminder.case_id, reminder.kind, reminder.stage, reminder.period, reminder.recipient_id,
            reminder.due_on, reminder.read_at) == (case_id, kind, "upcoming", due.isoformat(), world.anna.id, due, None)
    assert reminder.title == f"{subject} fällig am {due:%d.%m.%Y} – Haddad, Amina"

    assert _pass_on(container, due - timedelta(days=14), "17:00") == 0
    assert _pass_on(container, due - timedelta(days=1)) == 0
    assert _pass_on(container, due) == 0
    assert len(rows(container, Reminder)) == 1


@pytest.mark.parametrize("holder", ["unassigned", "ben", "ben_left"])
def test_upcoming_reminder_goes_to_whoever_holds_the_task(container, world, drive, holder):
    case_id = _open_case(drive, world)
    task_id = drive.open_task(case_id).id
    if holder == "unassigned":
        unclaim_task(container.uow(), task_id, world.anna)
    else:
        assign_task(container.uow(), task_id, world.ben.id, world.carla)
    if holder == "ben_left":
        with container.engine.begin() as conn:
            conn.execute(update(User).where(User.id == world.ben.id).values(active=False))
    assert _pass_on(container, ASSESSMENT_DUE - timedelta(days=14)) == 1
    expected = world.ben.id if holder == "ben" else world.anna.id  # else the responsible caseworker
    assert [r.recipient_id for r in rows(container, Reminder)] == [expected]


# --- overdue ----------------------------------------------------------------------------------------------

def test_overdue_reminder_comes_daily_and_once_a_day(container, world, drive):
    case_id = _open_case(drive, world)
    day1, day2 = ASSESSMENT_DUE + timedelta(days=1), ASSESSMENT_DUE + timedelta(days=2)
    assert _pass_on(container, day1, "06:00") == 1
    assert _pass_on(container, day1, "18:00") == 0
    assert _pass_on(container, day2) == 1
    assert _pass_on(container, day2, "23:59") == 0
    overdue = rows(container, Reminder, stage="overdue")
    assert [(r.case_id, r.kind, r.period, r.recipient_id) for r in overdue] == [
        (case_id, "assessment", day1.isoformat(), world.anna.id),
        (case_id, "assessment", day2.isoformat(), world.anna.id)]
    assert overdue[0].title == "Überfällig: Bedarfsanalyse (fällig am 12.02.2026) – Haddad, Amina"


def test_nothing_is_overdue_on_the_due_date_itself(container, world, drive):
    _open_case(drive, world)
    _pass_on(container, ASSESSMENT_DUE, "23:59")
    assert rows(container, Reminder, stage="overdue") == []


def test_catch_up_after_ten_days_down_gives_one_overdue_reminder_for_today(container, world, drive):
    _open_case(drive, world)
    assert _pass_on(container, ASSESSMENT_DUE - timedelta(days=14)) == 1   # upcoming, then the scheduler is down
    back = ASSESSMENT_DUE + timedelta(days=10)
    assert _pass_on(container, back) == 1
    assert [(r.stage, r.period) for r in rows(container, Reminder)] == [
        ("upcoming", ASSESSMENT_DUE.isoformat()), ("overdue", back.isoformat())]


def test_task_first_seen_when_already_overdue_gets_no_upcoming_reminder(container, world, drive):
    _open_case(drive, world)
    _pass_on(container, ASSESSMENT_DUE + timedelta(days=3))
    assert [r.stage for r in rows(container, Reminder)] == ["overdue"]


def test_completed_task_is_no_longer_reminded(container, world, drive):
    case_id = _open_case(drive, world)
    _pass_on(container, ASSESSMENT_DUE + timedelta(days=1))
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    assert _pass_on(container, ASSESSMENT_DUE + timedelta(days=2)) == 0
    assert [(r.kind, r.stage) for r in rows(container, Reminder)] == [("assessment", "overdue")]


# --- escalation -------------------------------------------------------------------------------------------

def test_escalation_goes_once_to_every_active_supervisor_of_the_organisation(container, world, drive):
    hanna = _add_user(container, "hanna", "supervisor", world.org_a)
    _add_user(container, "gina", "supervisor", world.org_a, active=False)
    _add_user(container, "fritz", "supervisor", world.org_b)
    case_id = _open_case(drive, world)
    for offset in range(1, 15):
        _pass_on(container, ASSESSMENT_DUE + timedelta(days=offset))
    assert rows(container, Reminder, stage="escalation") == []

    assert _pass_on(container, ASSESSMENT_DUE + timedelta(days=15)) == 3   # overdue to Anna, two escalations
    escalations = rows(container, Reminder, stage="escalation")
    assert sorted(r.recipient_id for r in escalations) == sorted([world.carla.id, hanna])
    assert {(r.case_id, r.kind, r.period) for r in escalations} == {(case_id, "assessment", "2026-02-12")}
    assert escalations[0].title == ("Eskalation: Bedarfsanalyse – Haddad, Amina seit 15 Tagen überfällig "
                                    "(zuständig: Anna Adler)")

    assert _pass_on(container, ASSESSMENT_DUE + timedelta(days=16)) == 1   # only Anna's daily overdue
    assert len(rows(container, Reminder, stage="escalation")) == 2
    assert {r.recipient_id for r in rows(container, Reminder, stage="overdue")} == {world.anna.id}


@pytest.mark.parametrize(("deadlines", "first_upcoming", "first_escalation"), [
    ({"reminder_lead": "P3D"}, date(2026, 2, 9), date(2026, 2, 27)),
    ({"reminder_lead": "P3W", "escalation_after": "P3D"}, date(2026, 1, 22), date(2026, 2, 16)),
    ({"reminder_lead": "P1M", "escalation_after": "P1M"}, date(2026, 1, 15), date(2026, 3, 13)),
])
def test_reminder_lead_and_escalation_follow_the_configured_deadlines(container, world, drive, deadlines,
                                                                       first_upcoming, first_escalation):
    _set_deadlines(container, **deadlines)
    _open_case(drive, world)
    if first_upcoming > date(2026, 1, 15):
        _pass_on(container, first_upcoming - timedelta(days=1))
        assert rows(container, Reminder, stage="upcoming") == []
    _pass_on(container, first_upcoming)
    assert len(rows(container, Reminder, stage="upcoming")) == 1
    _pass_on(container, first_escalation - timedelta(days=1))
    assert rows(container, Reminder, stage="escalation") == []
    _pass_on(container, first_escalation)
    assert [r.recipient_id for r in rows(container, Reminder, stage="escalation")] == [world.carla.id]


# --- counselling period -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("counselling_start", "end", "first_warning"), [
    ("2023-06-01", date(2026, 6, 1), date(2026, 3, 1)),
    ("2023-05-31", date(2026, 5, 31), date(2026, 2, 28)),    # 31.05. − P3M: the end of February
])
def test_counselling_end_is_announced_once_before_the_period_ends(container, world, drive, counselling_start, end,
                                                                  first_warning):
    case_id = _open_case(drive, world, au_since="2023-05-01", counselling_start=counselling_start)
    _pass_on(container, first_warning - timedelta(days=1))
    assert rows(container, Reminder, kind="counselling_end") == []
    _pass_on(container, first_warning)
    _pass_on(container, first_warning + timedelta(days=1))
    _pass_on(container, end + timedelta(days=1))
    [warning] = rows(container, Reminder, kind="counselling_end")
    assert (warning.case_id, warning.task_id, warning.stage, warning.period, warning.recipient_id) == (
        case_id, None, "upcoming", end.isoformat(), world.anna.id)
    assert warning.title == f"Beratungszeitraum endet am {end:%d.%m.%Y} – Haddad, Amina"


@pytest.mark.parametrize("closing", ["consent_refused", "not_eligible"])
def test_closed_cases_get_no_reminders(container, world, drive, closing):
    intake = {"au_since": "2023-05-01", "counselling_start": "2023-06-01"}   # counselling ends 01.06.2026
    if closing == "consent_refused":
        case_id = drive.open(world.anna, intake_form(world.town_a, **intake))
        drive.complete(world.anna, case_id, {"consent_given": "no", "consent_date": "2026-01-15"})
    else:
        case_id = drive.open(world.anna, intake_form(world.town_a, residence_status="obliged_to_leave", **intake))
        drive.complete(world.carla, case_id, {"eligibility_decision": "reject", "eligibility_note": "Keine Ausnahme"})
    for day in (date(2026, 3, 1), date(2026, 6, 2), date(2026, 12, 1)):
        assert _pass_on(container, day) == 0
    assert rows(container, Reminder) == []


# --- calendar days across the DST changes -----------------------------------------------------------------

@pytest.mark.parametrize(("intake", "dst_day"), [("2026-02-27", date(2026, 3, 29)),    # CET → CEST
                                                  ("2026-09-25", date(2026, 10, 25))])  # CEST → CET
def test_overdue_day_is_the_berlin_calendar_day_across_dst(container, world, drive, intake, dst_day):
    _at(container.clock, intake)
    _open_case(drive, world)                      # assessment due two days before the change
    assert _pass_on(container, dst_day, "23:30") == 1
    assert _pass_on(container, dst_day + timedelta(days=1), "00:15") == 1   # less than an hour later, a new day
    assert [r.period for r in rows(container, Reminder, stage="overdue")] == [
        dst_day.isoformat(), (dst_day + timedelta(days=1)).isoformat()]


@pytest.mark.parametrize(("intake", "first_day"), [("2026-03-08", date(2026, 3, 22)),     # due 05.04., after CEST
                                                    ("2026-10-04", date(2026, 10, 18))])  # due 01.11., after CET
def test_lead_time_counts_calendar_days_across_dst(container, world, drive, intake, first_day):
    _at(container.clock, intake)
    _open_case(drive, world)
    assert _pass_on(container, first_day - timedelta(days=1), "23:30") == 0
    assert _pass_on(container, first_day, "00:15") == 1
    [reminder] = rows(container, Reminder)
    assert reminder.due_on == first_day + timedelta(days=14)


# --- set-based and idempotent -----------------------------------------------------------------------------

def test_pass_issues_the_same_few_statements_for_one_case_or_many(container, world, drive):
    def statements_of_a_pass(day: date) -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(container.engine, "before_cursor_execute", listener)
        try:
            _pass_on(container, day)
        finally:
            event.remove(container.engine, "before_cursor_execute", listener)
        return len(seen)

    _open_case(drive, world)
    one = statements_of_a_pass(ASSESSMENT_DUE + timedelta(days=1))
    _at(container.clock, "2026-01-15")
    for _ in range(4):
        _open_case(drive, world)
    many = statements_of_a_pass(ASSESSMENT_DUE + timedelta(days=2))
    assert len(rows(container, Reminder, period=(ASSESSMENT_DUE + timedelta(days=2)).isoformat())) == 5
    assert many == one


def test_reminder_written_by_a_concurrent_pass_is_skipped(container, world, drive):
    case_id = _open_case(drive, world)
    _pass_on(container, ASSESSMENT_DUE + timedelta(days=1))
    [first] = rows(container, Reminder)
    row = {c: getattr(first, c) for c in ("case_id", "task_id", "kind", "stage", "period", "recipient_id", "title",
                                          "due_on", "created_at", "read_at")}
    uow = container.uow()
    with uow:
        assert _insert_new(uow.session, [row, {**row, "stage": "escalation", "recipient_id": world.carla.id}]) == 1
        uow.commit()
    assert [(r.case_id, r.stage) for r in rows(container, Reminder)] == [(case_id, "overdue"), (case_id, "escalation")]
    with container.reader() as r:
        assert r.session.execute(select(OpenTask.id).where(OpenTask.case_id == case_id)).scalar_one() == first.task_id



def test_review_is_announced_before_its_task_appears(container, clock, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))  # review due 01.05.2026, no task yet

    def review_reminders():
        with container.reader() as r:
            return [(x.stage, x.due_on.isoformat(), x.recipient_id) for x in r.session.execute(
                select(Reminder).where(Reminder.case_id == case_id, Reminder.kind == "review")).scalars()]

    clock.set(datetime(2026, 4, 16, 8, 0, tzinfo=BERLIN))  # one day before the lead time
    run_reminder_pass(container)
    assert review_reminders() == []
    clock.set(datetime(2026, 4, 17, 8, 0, tzinfo=BERLIN))  # 01.05. − P14D
    run_reminder_pass(container)
    assert review_reminders() == [("upcoming", "2026-05-01", world.anna.id)]
    drive.await_review(case_id)  # the task appears on its due date: no second announcement
    run_reminder_pass(container)
    assert review_reminders() == [("upcoming", "2026-05-01", world.anna.id)]
