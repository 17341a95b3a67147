"""The access log: written for every case view, download and refused attempt; append-only; its page and CSV
are the data-protection officer's."""
from __future__ import annotations

import csv
import html
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, text, update

from engine.db import AccessLog, Case
from engine.privacy import log_access
from report_data import served_household
from support import add_user


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _log(container) -> list[AccessLog]:
    with container.reader() as r:
        return list(r.session.execute(select(AccessLog).order_by(AccessLog.id)).scalars())


@pytest.fixture
def case_id(container, world):
    """Organisation A's served household, and the data-protection officer paula."""
    add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    return served_household(container, world)[1]


def test_a_case_view_is_logged_with_user_case_client_and_time(container, world, signed_in, case_id):
    assert signed_in("anna").get(f"/cases/{case_id}").status_code == 200
    (line,) = _log(container)
    with container.reader() as r:
        client_id = r.session.get(Case, case_id).client_id
    assert (line.user_id, line.case_id, line.client_id, line.action, line.outcome, line.path) == \
        (world.anna.id, case_id, client_id, "view", "ok", f"/cases/{case_id}")
    assert line.at == container.clock.now()


def test_refused_attempts_are_logged_with_their_outcome(container, world, signed_in, case_id):
    assert signed_in("dora").get(f"/cases/{case_id}").status_code == 404          # another organisation
    assert signed_in("dora").get("/cases/0000-gibt-es-nicht").status_code == 404   # a forged id
    assert signed_in("anna").get(f"/cases/{case_id}/auskunft.json").status_code == 403  # role not allowed
    lines = [(entry.user_id, entry.case_id, entry.action, entry.outcome) for entry in _log(container)]
    assert lines == [(world.dora.id, case_id, "view", "not_found"), (world.dora.id, "0000-gibt-es-nicht", "view",
                                                                      "not_found"),
                     (world.anna.id, case_id, "export", "refused")]
    assert _log(container)[1].client_id is None


def test_downloads_prints_and_exports_are_logged_as_such(container, world, signed_in, case_id):
    anna = signed_in("anna")
    assert anna.post(f"/cases/{case_id}/zielvereinbarung").status_code == 302
    assert anna.get(f"/cases/{case_id}/zielvereinbarung/1.pdf").status_code == 200
    assert signed_in("paula").get(f"/cases/{case_id}/auskunft.pdf").status_code == 200
    assert [(e.action, e.outcome) for e in _log(container)] == [("print", "ok"), ("download", "ok"),
                                                                ("export", "ok")]


def test_pages_without_a_case_are_not_logged(signed_in, container, case_id):
    signed_in("anna").get("/")
    signed_in("anna").get("/cases/")
    assert _log(container) == []


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_access_log_is_append_only_in_the_database(container, world, case_id, statement):
    log_access(container.uow(), world.anna.id, case_id, "view", "ok", "/x")
    change = update(AccessLog).values(user_id=None) if statement == "update" else delete(AccessLog)
    with pytest.raises(Exception, match="Zugriffsprotokoll ist unveränderlich"):
        with container.engine.begin() as conn:
            conn.execute(change)
    with pytest.raises(Exception, match="unveränderlich"):
        with container.engine.begin() as conn:
            conn.execute(text("UPDATE access_log SET outcome = 'ok', action = 'view'"))
    assert len(_log(container)) == 1 and _log(container)[0].user_id == world.anna.id


@pytest.mark.parametrize("username", ["anna", "carla", "erik", "adele", "dora"])
def test_the_log_page_is_refused_to_everyone_but_data_protection(container, world, signed_in, case_id, username):
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    signed_in("anna").get(f"/cases/{case_id}")
    for url in ("/datenschutz/zugriffe", "/datenschutz/zugriffe.csv"):
        response = signed_in(username).get(url)
        assert response.status_code == 403 and "dem Datenschutz vorbehalten" in _text(response)
        assert "Anna Adler (anna)" not in _text(response)


def test_the_officer_filters_by_case_user_and_date(container, world, signed_in, case_id, clock):
    with container.reader() as r:
        reference = r.session.get(Case, case_id).reference
    signed_in("anna").get(f"/cases/{case_id}")
    clock.set(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    signed_in("carla").get(f"/cases/{case_id}")
    signed_in("dora").get(f"/cases/{case_id}")
    officer = signed_in("paula")
    page = _text(officer.get(f"/datenschutz/zugriffe?reference={reference.lower()}"))
    assert "3 Einträge" in page and "Dora Dietz (dora)" in page and "nicht gefunden / fremd" in page
    assert "1 Eintrag" in _text(officer.get("/datenschutz/zugriffe?user=carla"))
    page = _text(officer.get("/datenschutz/zugriffe?von=2026-06-15&bis=2026-07-01"))
    assert "2 Einträge" in page and "Anna Adler (anna)" not in page
    page = _text(officer.get("/datenschutz/zugriffe?von=morgen"))
    assert "Die Filter sind ungültig" in page and "Bitte ein gültiges Datum" in page


def test_the_log_pages_and_exports_as_csv(container, world, signed_in, case_id):
    for _ in range(55):
        log_access(container.uow(), world.ben.id, case_id, "view", "ok", f"/cases/{case_id}")
    log_access(container.uow(), world.ben.id, case_id, "view", "ok", "=HYPERLINK(\"x\")")
    officer = signed_in("paula")
    first = _text(officer.get("/datenschutz/zugriffe"))
    assert "56 Einträge" in first and "Seite 1 / 2" in first
    assert "Seite 2 / 2" in _text(officer.get("/datenschutz/zugriffe?page=2"))
    response = officer.get("/datenschutz/zugriffe.csv?user=ben")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Zeitpunkt", "Benutzer/in", "Aktenzeichen", "Fall-ID", "Aktion", "Ergebnis", "Adresse"]
    assert len(rows) == 57 and rows[1][1] == "Ben Berg (ben)" and rows[1][4] == "Fallseite angesehen"
    assert rows[1][6].startswith("'=")  # no formula in a spreadsheet


def test_the_retention_page_shows_and_changes_the_period(container, world, signed_in, case_id):
    officer = signed_in("paula")
    page = _text(officer.get("/datenschutz/aufbewahrung"))
    assert "P3Y" in page and "Bereits anonymisierte Fälle" in page
    bad = officer.post("/datenschutz/aufbewahrung", data={"retention": "drei Jahre"})
    assert bad.status_code == 422 and "Bitte eine Dauer wie P3Y" in _text(bad)
    short = officer.post("/datenschutz/aufbewahrung", data={"retention": "P3M"})
    assert short.status_code == 422 and "zwischen einem und dreißig Jahren" in _text(short)
    assert officer.post("/datenschutz/aufbewahrung", data={"retention": "P4Y"}).status_code == 302
    assert "P4Y" in _text(officer.get("/datenschutz/aufbewahrung"))
    assert signed_in("erik").get("/datenschutz/aufbewahrung").status_code == 403


def test_the_retention_period_is_set_in_years_and_months(container, world, signed_in, case_id):
    officer = signed_in("paula")
    page = _text(officer.get("/datenschutz/aufbewahrung"))
    assert "3 Jahre" in page and 'name="jahre"' in page and 'value="3"' in page
    assert officer.post("/datenschutz/aufbewahrung", data={"jahre": "2", "monate": "6"}).status_code == 302
    page = _text(officer.get("/datenschutz/aufbewahrung"))
    assert "2 Jahre und 6 Monate" in page and "(P2Y6M)" in page
    bad = officer.post("/datenschutz/aufbewahrung", data={"jahre": "zwei", "monate": ""})
    assert bad.status_code == 422 and "Bitte Jahre und Monate als ganze Zahlen angeben." in _text(bad)
    short = officer.post("/datenschutz/aufbewahrung", data={"jahre": "0", "monate": "3"})
    assert short.status_code == 422 and "zwischen einem und dreißig Jahren" in _text(short)
