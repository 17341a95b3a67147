"""Data-subject rights: rectification (audited before → after), the Art. 15 export as JSON and PDF."""
from __future__ import annotations

import html
import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from engine.db import Case, Event
from journey import CONSENT, Driver
from report_data import served_household
from support import add_user, intake_form


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _version(container, case_id: str) -> int:
    with container.reader() as r:
        return r.session.get(Case, case_id).version


@pytest.fixture
def household(container, world):
    """Organisation A's served household (Haddad) and, in organisation B, another client (Nowak)."""
    add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    _drive, case_id, _ = served_household(container, world)
    other = Driver(container).open(world.dora, intake_form(world.town_b, first_name="Jan", last_name="Nowak",
                                                           phone="0170 999"))
    Driver(container).complete(world.dora, other, CONSENT, expect="Task_Consent")
    return case_id


def _rectify_form(container, case_id: str, **changes) -> dict:
    form = {"first_name": "Amina", "last_name": "Haddad", "birth_date": "1990-03-04", "gender": "female",
            "nationality": "syrisch", "languages": "Arabisch, Deutsch A2", "residence_status": "recognised_refugee",
            "residence_status_evidence": "eAT Nr. 123", "accommodation_address": "Hauptstraße 1, Astadt",
            "reason": "Schreibweise laut Pass", "version": _version(container, case_id)}
    return {**form, **changes}


def test_rectification_changes_the_client_and_audits_before_and_after(container, world, signed_in, household):
    page = signed_in("anna").get(f"/cases/{household}/berichtigung")
    assert page.status_code == 200 and 'value="Haddad"' in page.get_data(as_text=True)
    response = signed_in("anna").post(f"/cases/{household}/berichtigung", follow_redirects=True,
                                      data=_rectify_form(container, household, last_name="Haddad-Saleh",
                                                         birth_date="1990-04-03"))
    assert response.status_code == 200
    assert "Die Personendaten wurden berichtigt: Geburtsdatum, Nachname." in _text(response)
    with container.reader() as r:
        case = r.session.get(Case, household)
        assert (case.client.last_name, case.client.birth_date.isoformat()) == ("Haddad-Saleh", "1990-04-03")
        event = r.session.execute(select(Event).where(Event.kind == "data_rectified")).scalar_one()
    assert event.actor_id == world.anna.id and event.case_id == household
    assert event.payload["fields"] == ["birth_date", "last_name"]
    assert event.payload["changes"]["last_name"] == {"from": "Haddad", "to": "Haddad-Saleh"}
    assert event.payload["changes"]["birth_date"] == {"from": "1990-03-04", "to": "1990-04-03"}
    assert event.payload["reason"] == "Schreibweise laut Pass" and event.payload["redactable"] == ["changes",
                                                                                                   "reason"]


@pytest.mark.parametrize("changes, message", [
    ({"reason": ""}, "Bitte begründen Sie die Berichtigung"),
    ({"last_name": ""}, "Pflichtangabe"),
    ({"birth_date": "31.02.1990"}, "gültiges Datum"),
    ({"birth_date": "2030-01-01"}, "nicht in der Zukunft"),
    ({"email": "kein-at-zeichen"}, "gültige E-Mail-Adresse"),
    ({"residence_status": "erfunden"}, "Ungültige Auswahl"),
    ({}, "Es wurde nichts geändert"),
])
def test_bad_rectification_is_refused_in_german_and_keeps_the_input(container, signed_in, household, changes,
                                                                    message):
    data = _rectify_form(container, household, phone="0711 123456", **changes)
    if not changes:
        data.pop("phone")
    response = signed_in("anna").post(f"/cases/{household}/berichtigung", data=data)
    assert response.status_code == 422 and message in _text(response)
    if changes:
        assert "0711 123456" in _text(response)
    with container.reader() as r:
        assert r.session.execute(select(Event).where(Event.kind == "data_rectified")).first() is None


def test_a_stale_rectification_form_is_refused(container, signed_in, household):
    response = signed_in("anna").post(f"/cases/{household}/berichtigung",
                                      data=_rectify_form(container, household, last_name="Neu", version="1"))
    assert response.status_code == 409
    with container.reader() as r:
        assert r.session.get(Case, household).client.last_name == "Haddad"


def test_export_json_holds_all_of_the_clients_data_and_nothing_of_others(container, world, signed_in, household):
    signed_in("anna").post(f"/cases/{household}/notes", data={"text": "Termin beim Jobcenter vereinbart"})
    response = signed_in("paula").get(f"/cases/{household}/auskunft.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["client"]["last_name"] == "Haddad" and data["client"]["birth_date"] == "1990-03-04"
    assert [m["name"] for m in data["client"]["household"]] == ["Omar Haddad", "Lina Haddad"]
    (case,) = data["cases"]
    assert case["responsible"] == "Anna Adler" and case["municipality"] == "Astadt"
    assert {a["life_area"] for a in case["assessment"]} == {"language", "work"}
    assert len(case["goals"]) == 2 and case["goals"][0]["obligations"] == "Kurs regelmäßig besuchen"
    assert case["contacts"][0]["duration_minutes"] == 90
    assert case["notes"][0]["text"] == "Termin beim Jobcenter vereinbart"
    assert case["consents"][0]["purposes"] == ["basic"] and case["consents"][0]["recorded_by"] == "Anna Adler"
    steps = {t["title"]: t["data"] for t in case["steps"]}
    assert steps["Bedarfsanalyse"]["assessment_summary"] == "Sprache und Arbeit vorrangig"
    kinds = {e["kind"] for e in case["events"]}
    assert {"case_opened", "consent_recorded", "goals_agreed", "contact_logged", "note_added"} <= kinds
    text = json.dumps(data, ensure_ascii=False)
    assert "Nowak" not in text and "0170 999" not in text
    with container.reader() as r:
        logged = r.session.execute(select(Event).where(Event.kind == "data_export")).scalar_one()
    assert (logged.actor_id, logged.case_id, logged.payload) == (world.users["paula"].id, household,
                                                                 {"format": "json", "cases": 1})


def test_export_pdf_is_german_and_readable(container, world, signed_in, household):
    response = signed_in("carla").get(f"/cases/{household}/auskunft.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    for expected in ("Auskunft über gespeicherte personenbezogene Daten", "Haddad", "Omar Haddad",
                     "Einwilligungen", "Stammdaten und Beratung", "Ziel 1: B1-Prüfung", "Protokoll der Bearbeitung"):
        assert expected in text, expected
    assert "Nowak" not in text


@pytest.mark.parametrize("username, status", [("anna", 403), ("erik", 403), ("adele", 403), ("dora", 403)])
def test_export_is_for_team_leads_and_data_protection_only(container, world, signed_in, household, username,
                                                           status):
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    response = signed_in(username).get(f"/cases/{household}/auskunft.json")
    assert response.status_code == status and "Haddad" not in _text(response)
    with container.reader() as r:
        assert r.session.execute(select(Event).where(Event.kind == "data_export")).first() is None


def test_privacy_role_does_not_edit_cases(container, signed_in, household):
    client = signed_in("paula")
    assert client.get(f"/cases/{household}").status_code == 200
    assert client.post(f"/cases/{household}/notes", data={"text": "x"}).status_code == 403
    assert client.get(f"/cases/{household}/berichtigung").status_code == 403
    assert client.post(f"/cases/{household}/berichtigung",
                       data=_rectify_form(container, household, last_name="X")).status_code == 403


def test_an_untouched_multi_line_address_is_not_changed(container, signed_in, household):
    with container.uow() as uow:
        uow.session.get(Case, household).client.accommodation_address = "Schillerweg 8\n77711 Astadt"
        uow.commit()
    page = signed_in("anna").get(f"/cases/{household}/berichtigung").get_data(as_text=True)
    assert "<textarea" in page and "Schillerweg 8\n77711 Astadt</textarea>" in page
    response = signed_in("anna").post(f"/cases/{household}/berichtigung", data=_rectify_form(
        container, household, accommodation_address="Schillerweg 8\r\n77711 Astadt", phone="0711 1"))
    assert response.status_code == 302
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.kind == "data_rectified")).scalar_one()
        assert r.session.get(Case, household).client.accommodation_address == "Schillerweg 8\n77711 Astadt"
    assert event.payload["fields"] == ["phone"]
