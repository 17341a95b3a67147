"""The inbox and the bell through the real app: counts, listing, opening a reminder, tenancy."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from engine.clock import BERLIN
from engine.db import Reminder, User
from engine.time import inbox, mark_read, run_reminder_pass, unread_count
from journey import CONSENT, Driver
from support import intake_form, rows

BELL = re.compile(r'<a class="bell" href="/inbox" aria-label="([^"]*)"')


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _bell(response) -> str | None:
    found = BELL.search(response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else None


def _cases_with_reminders(container, actor, town: int, count: int = 1, names=("Haddad",)) -> list[str]:
    """`count` cases of `actor` whose assessment reminder (upcoming, due 12.02.2026) the pass has written."""
    drive = Driver(container)
    container.clock.set(datetime(2026, 1, 15, 8, 30, tzinfo=UTC))
    case_ids = []
    for i in range(count):
        case_id = drive.open(actor, intake_form(town, last_name=names[i % len(names)]))
        drive.complete(actor, case_id, CONSENT, expect="Task_Consent")
        case_ids.append(case_id)
    container.clock.set(datetime(2026, 1, 29, 9, 0, tzinfo=BERLIN))
    run_reminder_pass(container)
    return case_ids




# --- the bell ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/cases/", "/inbox"])
def test_bell_shows_the_unread_count_on_every_page(container, world, signed_in, path):
    _cases_with_reminders(container, world.anna, world.town_a, count=3)
    response = signed_in("anna").get(path)
    assert response.status_code == 200
    assert _bell(response) == "Benachrichtigungen (3 ungelesen)"
    assert '<span class="badge badge-danger bell-count" aria-hidden="true">3</span>' in _text(response)


def test_bell_without_unread_reminders_has_no_badge(world, signed_in):
    response = signed_in("ben").get("/")
    assert _bell(response) == "Benachrichtigungen"
    assert "bell-count" not in _text(response)


def test_no_bell_when_signed_out(client):
    text = _text(client.get("/login"))
    assert 'href="/inbox"' not in text and "Benachrichtigungen" not in text


def test_bell_is_english_in_english(container, world, signed_in):
    _cases_with_reminders(container, world.anna, world.town_a, count=2)
    anna = signed_in("anna")
    assert _bell(anna.get("/?lang=en")) == "Notifications (2 unread)"
    text = _text(anna.get("/inbox"))
    assert "Notifications" in text and "Mark all as read" in text and "Alle als gelesen markieren" not in text


# --- the list ---------------------------------------------------------------------------------------------

def test_inbox_lists_unread_reminders_before_read_ones(container, world, signed_in):
    first, second = _cases_with_reminders(container, world.anna, world.town_a, count=2, names=("Haddad", "Okafor"))
    read_one = rows(container, Reminder, case_id=first)[0]
    mark_read(container.uow(), world.anna, read_one.id)

    text = _text(signed_in("anna").get("/inbox"))
    assert "1 ungelesen" in text and "Alle als gelesen markieren" in text
    unread_at, read_at = text.index("<h2 id=\"unread-heading\">"), text.index("<h2 id=\"read-heading\">")
    assert unread_at < text.index("Bedarfsanalyse fällig am 12.02.2026 – Okafor, Amina") < read_at
    assert read_at < text.index("Bedarfsanalyse fällig am 12.02.2026 – Haddad, Amina")
    assert text.count("bald fällig") == 2
    assert f'action="/inbox/{read_one.id}/read"' not in text  # read: a plain link to the case
    assert f'href="/cases/{first}"' in text


def test_only_unread_filter(container, world, signed_in):
    first, _second = _cases_with_reminders(container, world.anna, world.town_a, count=2, names=("Haddad", "Okafor"))
    mark_read(container.uow(), world.anna, rows(container, Reminder, case_id=first)[0].id)
    text = _text(signed_in("anna").get("/inbox?show=unread"))
    assert "Okafor, Amina" in text and "Haddad, Amina" not in text


def test_empty_inbox_says_so(world, signed_in):
    text = _text(signed_in("ben").get("/inbox"))
    assert "Keine Benachrichtigungen." in text and "Alle als gelesen markieren" not in text


def test_inbox_needs_a_login(client):
    response = client.get("/inbox")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- opening and marking read -----------------------------------------------------------------------------

def test_clicking_a_reminder_opens_the_case_and_marks_it_read(container, world, signed_in):
    [case_id] = _cases_with_reminders(container, world.anna, world.town_a)
    [reminder] = rows(container, Reminder)
    anna = signed_in("anna")
    assert f'action="/inbox/{reminder.id}/read"' in _text(anna.get("/inbox"))

    response = anna.post(f"/inbox/{reminder.id}/read")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case_id}")
    assert rows(container, Reminder)[0].read_at == container.clock.now()
    assert _bell(anna.get(response.headers["Location"])) == "Benachrichtigungen"

    # Again: harmless, the first reading time is kept.
    container.clock.set(datetime(2026, 1, 30, 9, 0, tzinfo=UTC))
    assert anna.post(f"/inbox/{reminder.id}/read").status_code == 302
    assert rows(container, Reminder)[0].read_at == datetime(2026, 1, 29, 8, 0, tzinfo=UTC)


def test_mark_all_read_clears_only_own_reminders(container, world, signed_in):
    _cases_with_reminders(container, world.anna, world.town_a, count=3)
    _cases_with_reminders(container, world.dora, world.town_b)
    anna = signed_in("anna")
    response = anna.post("/inbox/read-all", follow_redirects=True)
    text = _text(response)
    assert "Alle Benachrichtigungen sind als gelesen markiert." in text
    assert _bell(response) == "Benachrichtigungen" and "0 ungelesen" in text
    assert all(r.read_at is not None for r in rows(container, Reminder, recipient_id=world.anna.id))
    assert [r.read_at for r in rows(container, Reminder, recipient_id=world.dora.id)] == [None]


@pytest.mark.parametrize("other", ["ben", "carla", "dora", "erik"])
def test_someone_elses_reminder_is_not_found(container, world, signed_in, other):
    _cases_with_reminders(container, world.anna, world.town_a)
    [reminder] = rows(container, Reminder)
    response = signed_in(other).post(f"/inbox/{reminder.id}/read")
    assert response.status_code == 404
    assert "Die Benachrichtigung wurde nicht gefunden." in _text(response)
    assert rows(container, Reminder)[0].read_at is None


@pytest.mark.parametrize("bad_id", ["abc", "0", "-1", "1.5", "+1", "%D9%A3", "99999999999", "1" * 300])
def test_malformed_reminder_id_gives_a_german_404(container, world, signed_in, bad_id):
    _cases_with_reminders(container, world.anna, world.town_a)
    response = signed_in("anna").post(f"/inbox/{bad_id}/read")
    assert response.status_code == 404
    assert "Die Benachrichtigung wurde nicht gefunden." in _text(response)
    assert rows(container, Reminder)[0].read_at is None


def test_marking_read_needs_the_csrf_token(container, world, signed_in, app_csrf):
    _cases_with_reminders(container, world.anna, world.town_a)
    [reminder] = rows(container, Reminder)
    anna = signed_in("anna", on_app=app_csrf)
    assert anna.post(f"/inbox/{reminder.id}/read").status_code == 400
    assert anna.post("/inbox/read-all").status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', anna.get("/inbox").get_data(as_text=True)).group(1)
    assert anna.post(f"/inbox/{reminder.id}/read", data={"csrf_token": token}).status_code == 302
    assert rows(container, Reminder)[0].read_at is not None


# --- tenancy ----------------------------------------------------------------------------------------------

def test_reminders_of_cases_no_longer_visible_are_hidden(container, world, signed_in):
    """Anna changes employer: her reminders about the old organisation's cases disappear with the cases."""
    _cases_with_reminders(container, world.anna, world.town_a, count=2)
    reminder = rows(container, Reminder)[0]
    with container.engine.begin() as conn:
        conn.execute(update(User).where(User.id == world.anna.id).values(organisation_id=world.org_b))
    anna = signed_in("anna")
    response = anna.get("/inbox")
    assert _bell(response) == "Benachrichtigungen"
    assert "Haddad" not in _text(response) and "Keine Benachrichtigungen." in _text(response)
    assert anna.post(f"/inbox/{reminder.id}/read").status_code == 404


def test_district_wide_roles_keep_their_reminders_of_every_organisation(container, world):
    """Compliance sees every case, so a reminder addressed to them stays visible whatever the organisation."""
    [case_id] = _cases_with_reminders(container, world.dora, world.town_b)
    [dora_reminder] = rows(container, Reminder)
    uow = container.uow()
    with uow:
        uow.session.add(Reminder(case_id=case_id, task_id=None, kind="task", stage="upcoming", period="x",
                                 recipient_id=world.erik.id, title="Prüfen", due_on=dora_reminder.due_on,
                                 created_at=container.clock.now()))
        uow.commit()
    with container.reader() as r:
        assert unread_count(r, world.erik) == 1
        assert [i.title for i in inbox(r, world.erik)] == ["Prüfen"]
        assert unread_count(r, world.anna) == 0


# --- the service's ordering and limit ---------------------------------------------------------------------

def test_inbox_service_orders_unread_first_then_newest_and_limits(container, world):
    _first, _second, third = _cases_with_reminders(container, world.anna, world.town_a, count=3,
                                                 names=("Alpha", "Beta", "Gamma"))
    container.clock.set(datetime(2026, 2, 13, 9, 0, tzinfo=BERLIN))
    run_reminder_pass(container)          # three overdue reminders, newer than the upcoming ones
    ids = {r.case_id + r.stage: r.id for r in rows(container, Reminder)}
    mark_read(container.uow(), world.anna, ids[third + "overdue"])
    with container.reader() as r:
        items = inbox(r, world.anna)
        assert unread_count(r, world.anna) == 5
        assert [(i.unread, i.stage) for i in items] == [(True, "overdue")] * 2 + [(True, "upcoming")] * 3 + [
            (False, "overdue")]
        assert {i.client_name for i in items[:2]} == {"Alpha, Amina", "Beta, Amina"}
        assert len(inbox(r, world.anna, limit=2)) == 2
        assert all(i.unread for i in inbox(r, world.anna, only_unread=True))
