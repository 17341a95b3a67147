"""Appointments on a case, the week view, the day-before reminder and the personal iCal feed."""
from __future__ import annotations

from datetime import UTC, datetime
from hashlib import sha256

import icalendar
import pytest

from engine.access import HandoverRequest, hand_over_case
from engine.casework import case_view
from engine.db import Appointment, CalendarFeed, Case, Event, Reminder
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.network import (
    cancel_appointment,
    feed_ics,
    issue_feed,
    my_week,
    reschedule_appointment,
    revoke_feed,
    set_appointment,
)
from engine.time import run_reminder_pass
from network_data import consented_case
from support import rows

# Thursday 15.01.2026 is "today" in the tests; Monday 19.01. is the next week.
VISIT = {"day": "2026-01-20", "start_time": "10:30", "duration_minutes": "45", "home_visit": "on",
         "interpreter_needed": "on", "interpreter_language": "Arabisch", "note": "Unterlagen Jobcenter mitbringen"}
OFFICE = {"day": "2026-01-16", "start_time": "09:00", "duration_minutes": "60", "place": "Rathaus Astadt, Zimmer 12"}


def _events(ics: bytes) -> list:
    return [c for c in icalendar.Calendar.from_ical(ics).walk("VEVENT")]


def test_appointments_are_set_rescheduled_cancelled_with_events_and_shown_on_the_case_page(container, world):
    case_id = consented_case(container, world)
    visit = set_appointment(container.uow(), case_id, VISIT, world.anna)
    office = set_appointment(container.uow(), case_id, OFFICE, world.anna)
    reschedule_appointment(container.uow(), case_id, office, {**OFFICE, "start_time": "11:00"}, world.anna)
    with container.reader() as r:
        view = case_view(r, world.anna, case_id)
    assert [(a.day.isoformat(), a.start_time.strftime("%H:%M")) for a in view.network.next_appointments] == \
        [("2026-01-16", "11:00"), ("2026-01-20", "10:30")]
    cancel_appointment(container.uow(), case_id, office, world.anna)
    with pytest.raises(Forbidden):
        cancel_appointment(container.uow(), case_id, office, world.anna)          # once is enough
    with container.reader() as r:
        view = case_view(r, world.anna, case_id)
    assert [a.id for a in view.network.next_appointments] == [visit]
    assert [a.status for a in view.network.appointments] == ["cancelled", "planned"]
    kinds = [e.kind for e in rows(container, Event, case_id=case_id) if e.kind.startswith("appointment_")]
    assert kinds == ["appointment_set", "appointment_set", "appointment_rescheduled", "appointment_cancelled"]
    # No place or note in the event log (a home visit's address would be personal data).
    assert all("place" not in e.payload and "note" not in e.payload for e in rows(container, Event, case_id=case_id))
    stored = {a.id: a for a in rows(container, Appointment)}
    assert (stored[visit].place, stored[visit].home_visit, stored[visit].interpreter_language) == \
        (None, True, "Arabisch")
    assert stored[office].sequence == 2


@pytest.mark.parametrize("bad, field", [
    ({"day": "2026-01-14"}, "day"),                                  # in the past
    ({"start_time": "25:00"}, "start_time"),
    ({"place": ""}, "place"),                                         # neither a place nor a home visit
    ({"interpreter_needed": "on"}, "interpreter_language"),
    ({"duration_minutes": "0"}, "duration_minutes"),
])
def test_invalid_appointments_are_refused_field_by_field(container, world, bad, field):
    case_id = consented_case(container, world)
    with pytest.raises(InvalidInput) as refused:
        set_appointment(container.uow(), case_id, {**OFFICE, **bad}, world.anna)
    assert list(refused.value.errors) == [field]
    assert rows(container, Appointment) == []


def test_foreign_organisation_restriction_and_read_only_period_refuse_appointments(container, world):
    case_id = consented_case(container, world)
    with pytest.raises(NotFound):
        set_appointment(container.uow(), case_id, OFFICE, world.dora)
    uow = container.uow()
    with uow:
        uow.session.get(Case, case_id).processing_restricted = True
        uow.commit()
    with pytest.raises(Forbidden, match="eingeschränkt"):
        set_appointment(container.uow(), case_id, OFFICE, world.anna)
    uow = container.uow()
    with uow:
        uow.session.get(Case, case_id).processing_restricted = False
        uow.commit()
    appointment = set_appointment(container.uow(), case_id, OFFICE, world.anna)
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    hand_over_case(container.uow(), world.carla, case_id, version,
                   HandoverRequest(kind="case", note="Umzug", to_organisation_id=world.org_b))
    with pytest.raises(NotFound):
        cancel_appointment(container.uow(), case_id, appointment, world.anna)
    with container.reader() as r:
        assert my_week(r, world.anna, {}).count == 0          # the case left with its organisation
        assert len(case_view(r, world.anna, case_id).network.appointments) == 1   # read-only view keeps it


def test_week_view_lists_the_own_appointments_monday_to_sunday(container, world):
    case_id = consented_case(container, world)
    other = consented_case(container, world, last_name="Nasser")
    set_appointment(container.uow(), case_id, OFFICE, world.anna)                      # Fri 16.01.
    set_appointment(container.uow(), other, {**OFFICE, "start_time": "08:00"}, world.anna)
    set_appointment(container.uow(), case_id, VISIT, world.anna)                       # Tue 20.01. (next week)
    set_appointment(container.uow(), case_id, {**OFFICE, "start_time": "14:00"}, world.ben)   # Ben's, not Anna's
    with container.reader() as r:
        week = my_week(r, world.anna, {})
        following = my_week(r, world.anna, {"week": week.next.isoformat()})
        with pytest.raises(InvalidInput):
            my_week(r, world.anna, {"week": "9999-12-31"})
    assert (week.monday.isoformat(), week.sunday.isoformat(), week.count) == ("2026-01-12", "2026-01-18", 2)
    friday = week.days[4]
    assert [(e.client_name, e.appointment.start_time.strftime("%H:%M")) for e in friday.entries] == \
        [("Nasser, Amina", "08:00"), ("Haddad, Amina", "09:00")]
    assert [(d.day.isoformat(), len(d.entries)) for d in following.days if d.entries] == [("2026-01-20", 1)]


def test_day_before_reminder_is_raised_once_to_whoever_holds_the_appointment(container, world, clock):
    case_id = consented_case(container, world)
    set_appointment(container.uow(), case_id, VISIT, world.anna)                       # Tue 20.01.
    cancelled = set_appointment(container.uow(), case_id, {**VISIT, "start_time": "15:00"}, world.ben)
    cancel_appointment(container.uow(), case_id, cancelled, world.ben)
    run_reminder_pass(container)
    assert [m for m in rows(container, Reminder) if m.kind == "appointment"] == []     # five days ahead
    clock.set(datetime(2026, 1, 19, 5, 0, tzinfo=UTC))                                  # Monday: the day before
    run_reminder_pass(container)
    run_reminder_pass(container)
    reminders = [m for m in rows(container, Reminder) if m.kind == "appointment"]
    assert [(m.recipient_id, m.due_on.isoformat()) for m in reminders] == [(world.anna.id, "2026-01-20")]
    assert reminders[0].title == "Beratungstermin am 20.01.2026 – Haddad, Amina"


def test_ical_feed_parses_and_contains_the_appointments_without_names_by_default(container, world):
    case_id = consented_case(container, world)
    visit = set_appointment(container.uow(), case_id, VISIT, world.anna)
    office = set_appointment(container.uow(), case_id, OFFICE, world.anna)
    cancel_appointment(container.uow(), case_id, office, world.anna)
    token = issue_feed(container.uow(), world.anna, {})
    with container.reader() as r:
        ics = feed_ics(r, token)
    events = {str(e["UID"]): e for e in _events(ics)}
    assert set(events) == {f"{visit}@integraflow", f"{office}@integraflow"}
    home = events[f"{visit}@integraflow"]
    # 10:30 in Berlin in January (CET, UTC+1) is 09:30 UTC.
    assert home.decoded("DTSTART") == datetime(2026, 1, 20, 9, 30, tzinfo=UTC)
    assert home.decoded("DTEND") == datetime(2026, 1, 20, 10, 15, tzinfo=UTC)
    assert (str(home["SUMMARY"]), str(home["LOCATION"]), str(home["STATUS"])) == \
        ("Beratungstermin", "Hausbesuch", "CONFIRMED")
    assert "Dolmetschung: Arabisch" in str(home["DESCRIPTION"])
    assert str(events[f"{office}@integraflow"]["STATUS"]) == "CANCELLED"
    assert b"Haddad" not in ics and b"Amina" not in ics and b"Unterlagen" not in ics
    assert [f.token_hash for f in rows(container, CalendarFeed)] == [sha256(token.encode()).hexdigest()]


def test_appointments_after_the_case_was_closed_reach_the_calendar_as_cancelled(container, world):
    case_id = consented_case(container, world)
    visit = set_appointment(container.uow(), case_id, VISIT, world.anna)      # 20.01.2026
    token = issue_feed(container.uow(), world.anna, {})
    with container.uow() as uow:
        case = uow.session.get(Case, case_id)
        case.status, case.closed_on = "closed", datetime(2026, 1, 16).date()
        uow.commit()
    with container.reader() as r:
        event = _events(feed_ics(r, token))[0]
    assert (str(event["UID"]), str(event["STATUS"])) == (f"{visit}@integraflow", "CANCELLED")


def test_names_are_opt_in_revoked_and_replaced_tokens_answer_not_found(container, world):
    case_id = consented_case(container, world)
    set_appointment(container.uow(), case_id, OFFICE, world.anna)
    first = issue_feed(container.uow(), world.anna, {"names": "initials"})
    with container.reader() as r:
        assert str(_events(feed_ics(r, first))[0]["SUMMARY"]) == "Beratungstermin – A. H."
    second = issue_feed(container.uow(), world.anna, {"names": "full"})
    with container.reader() as r:
        assert str(_events(feed_ics(r, second))[0]["SUMMARY"]) == "Beratungstermin – Amina Haddad"
        with pytest.raises(NotFound):
            feed_ics(r, first)                                  # regenerating invalidates the old address
    assert revoke_feed(container.uow(), world.anna)
    with container.reader() as r:
        for token in (second, "x" * 43, ""):
            with pytest.raises(NotFound):
                feed_ics(r, token)
    with pytest.raises(InvalidInput):
        issue_feed(container.uow(), world.anna, {"names": "everything"})


def test_a_feed_shows_only_its_owners_appointments(container, world):
    case_id = consented_case(container, world)
    set_appointment(container.uow(), case_id, OFFICE, world.anna)
    bens = set_appointment(container.uow(), case_id, VISIT, world.ben)
    token = issue_feed(container.uow(), world.ben, {})
    with container.reader() as r:
        assert [str(e["UID"]) for e in _events(feed_ics(r, token))] == [f"{bens}@integraflow"]
