"""Fallübergabe through the app: case form, bulk preview/confirm, read-only period on every write route, scope."""
from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from engine.db import Case, Event, OpenTask, Reminder
from journey import CONSENT, Driver
from support import add_user, intake_form, rows
from web.access_matrix import allowed

ROLES_OF = {"carla": "supervisor", "anna": "caseworker"}

NOTE = "Termine nur vormittags; Sprachkurs B1 läuft bis März."


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _events(container) -> int:
    with container.reader() as r:
        return r.session.execute(select(func.count()).select_from(Event)).scalar_one()


@pytest.fixture
def case_id(container, world):
    """Organisation A's case (Anna, Astadt) with consent recorded and an open task."""
    add_user(container, world, "bernd", "Bernd Bauer", "supervisor", world.org_b)
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    drive = Driver(container)
    cid = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, cid, CONSENT, expect="Task_Consent")
    return cid


def _version(container, cid) -> int:
    with container.reader() as r:
        return r.session.get(Case, cid).version


def _hand_over(signed_in, container, cid, **form):
    data = {"case_version": _version(container, cid), "note": NOTE, **form}
    return signed_in("carla").post(f"/cases/{cid}/uebergabe", data=data)


def test_supervisor_hands_case_over_and_receiver_sees_it_with_the_note(signed_in, container, world, case_id):
    page = signed_in("carla").get(f"/cases/{case_id}")
    assert "Fall übergeben" in _text(page)
    form = signed_in("carla").get(f"/cases/{case_id}/uebergabe")
    assert form.status_code == 200 and "Dora Dietz (DRK Test)" in _text(form)
    response = _hand_over(signed_in, container, case_id, to_user_id=world.dora.id)
    assert response.status_code == 302
    page = _text(signed_in("dora").get(f"/cases/{case_id}"))
    assert NOTE in page and "Übergeben am" in page and "Haddad" in page
    assert "Einwilligung dokumentiert" in page and "Task_Consent,Task_Intake" in page   # history came along
    assert "Haddad" in _text(signed_in("dora").get("/cases/"))
    assert "Fallübergabe" in _text(signed_in("bernd").get("/inbox"))
    assert NOTE in _text(signed_in("dora").get("/inbox"))


def test_previous_organisation_has_read_only_access_then_none(signed_in, container, world, case_id, app, clock):
    _hand_over(signed_in, container, case_id, to_organisation_id=world.org_b)
    page = signed_in("carla").get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Nur Lesezugriff bis 14.02.2026" in _text(page)
    assert "Notiz speichern" not in _text(page) and "Fall übergeben</a>" not in _text(page)
    assert "Haddad" not in _text(signed_in("carla").get("/cases/"))
    assert "nur Lesezugriff" in _text(signed_in("carla").get(f"/cases/{case_id}/uebergabe"))
    task = rows(container, OpenTask, case_id=case_id)[0]
    form_page = _text(signed_in("carla").get(f"/cases/{case_id}/tasks/{task.id}"))
    assert "nur Lesezugriff" in form_page and ">Erledigen</button>" not in form_page
    writes = [rule for rule in app.url_map.iter_rules()  # the API's: tests/web/test_api_access.py
              if "POST" in rule.methods and "case_id" in rule.arguments and not rule.rule.startswith("/api/")]
    assert len(writes) >= 6
    for user in ("carla", "anna"):
        for rule in writes:
            url = rule.build({"case_id": case_id, "task_id": task.id, "version": 1, "record_id": 1,
                              "document_id": 1, "goal_id": 1, "referral_id": 1,
                              "appointment_id": "00000000-0000-0000-0000-000000000000"},
                             append_unknown=False)[1]
            before = _events(container)
            response = signed_in(user).post(url, data={"text": "x", "note": NOTE})
            assert response.status_code in (403, 404), (user, url, response.status_code)
            # Where the matrix lets the role post at all, the refusal is the read-only one (else: the role's).
            if response.status_code == 403 and allowed(rule.endpoint, "POST", ROLES_OF[user]) and \
                    rule.endpoint != "handover.case_handover":
                assert "nur Lesezugriff" in _text(response), url
            assert _events(container) == before, url
    clock.advance(days=31)
    assert signed_in("carla").get(f"/cases/{case_id}").status_code == 404
    assert signed_in("carla").post(f"/cases/{case_id}/notes", data={"text": "x"}).status_code == 404


def test_bad_input_keeps_the_note_and_explains_in_german(signed_in, container, world, case_id):
    response = _hand_over(signed_in, container, case_id, to_user_id=world.erik.id)
    assert response.status_code == 422
    text = _text(response)
    assert "Bitte wählen Sie eine aktive Integrationsmanagerin" in text and NOTE in text
    response = _hand_over(signed_in, container, case_id, to_user_id=world.dora.id, note="")
    assert response.status_code == 422 and "Übergabenotiz" in _text(response)
    response = _hand_over(signed_in, container, case_id, to_user_id="abc")
    assert response.status_code == 422
    with container.reader() as r:
        assert r.session.get(Case, case_id).organisation_id == world.org_a


def test_stale_case_version_is_refused_with_a_conflict(signed_in, container, world, case_id):
    stale = _version(container, case_id) - 1
    response = signed_in("carla").post(f"/cases/{case_id}/uebergabe",
                                       data={"case_version": stale, "note": NOTE, "to_user_id": world.dora.id})
    assert response.status_code == 409 and "inzwischen" in _text(response)
    assert rows(container, Reminder) == []


def test_foreign_supervisor_cannot_hand_over_another_organisations_case(signed_in, container, world, case_id):
    response = signed_in("bernd").post(f"/cases/{case_id}/uebergabe",
                                       data={"case_version": 2, "note": NOTE, "to_user_id": world.dora.id})
    assert response.status_code == 404 and "Haddad" not in _text(response)
    assert signed_in("anna").get(f"/cases/{case_id}/uebergabe").status_code == 403


def test_bulk_handover_preview_then_confirm(signed_in, container, world, case_id):
    page = signed_in("carla").get("/uebergabe")
    assert page.status_code == 200 and "Trägerwechsel: alle offenen Fälle" not in _text(page)  # the admin's alone
    preview = signed_in("carla").post("/uebergabe/vorschau", data={
        "kind": "caseworker", "caseworker_id": world.anna.id, "to_user_id": world.ben.id, "note": NOTE})
    text = _text(preview)
    assert preview.status_code == 200 and "1 Fall mit 1 offenen Aufgabe" in text and "Ben Berg" in text
    batch_id = text.split('name="batch_id" value="')[1].split('"')[0]
    assert signed_in("bernd").post("/uebergabe/ausfuehren", data={"batch_id": batch_id}).status_code == 404
    done = signed_in("carla").post("/uebergabe/ausfuehren", data={"batch_id": batch_id}, follow_redirects=True)
    assert "1 Fälle wurden übergeben" in _text(done)
    with container.reader() as r:
        assert r.session.get(Case, case_id).responsible_user_id == world.ben.id
    forged = signed_in("bernd").post("/uebergabe/vorschau", data={
        "kind": "caseworker", "caseworker_id": world.anna.id, "to_user_id": world.dora.id, "note": NOTE})
    assert forged.status_code == 404 and "Haddad" not in _text(forged)
    forged = signed_in("carla").post("/uebergabe/vorschau", data={
        "kind": "municipality", "municipality_id": world.town_a, "to_user_id": world.dora.id, "note": NOTE})
    assert forged.status_code == 403


def test_admin_changes_a_municipalitys_provider_and_the_read_only_period(signed_in, container, world, case_id):
    assert "Trägerwechsel: alle offenen Fälle" in _text(signed_in("adele").get("/uebergabe"))
    bad = signed_in("adele").post("/uebergabe/einstellungen", data={"days": "900"})
    assert bad.status_code == 422 and "0 bis 365" in _text(bad)
    assert signed_in("adele").post("/uebergabe/einstellungen", data={"days": "10"}).status_code == 302
    assert signed_in("carla").post("/uebergabe/einstellungen", data={"days": "1"}).status_code == 403
    preview = _text(signed_in("adele").post("/uebergabe/vorschau", data={
        "kind": "municipality", "municipality_id": world.town_a, "to_organisation_id": world.org_b, "note": NOTE}))
    batch_id = preview.split('name="batch_id" value="')[1].split('"')[0]
    signed_in("adele").post("/uebergabe/ausfuehren", data={"batch_id": batch_id})
    page = _text(signed_in("carla").get(f"/cases/{case_id}"))
    assert "Nur Lesezugriff bis 25.01.2026" in page
    assert "Haddad" in _text(signed_in("bernd").get("/cases/"))


def test_read_only_period_applies_to_the_api_as_to_the_pages(signed_in, container, world, case_id, app):
    from api_support import ApiClient, issue_token

    _hand_over(signed_in, container, case_id, to_organisation_id=world.org_b)
    carla = ApiClient(app, issue_token(container, "carla"))
    assert carla.get(f"/api/v1/cases/{case_id}").status_code == 200
    before = _events(container)
    response = carla.post(f"/api/v1/cases/{case_id}/notes", json={"text": "noch schnell"})
    assert response.status_code == 403 and "nur Lesezugriff" in response.json["detail"]
    assert _events(container) == before
