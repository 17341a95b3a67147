"""Input that used to end in HTTP 500 or was accepted though wrong: each is now a German field error, or is
cleaned the same way on SQLite and PostgreSQL, and nothing is half-written."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from engine.db import Case, Client, CompletedTask, HouseholdMember, Note, StepFailure
from engine.forms import parse_form, parse_submission
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import intake_form


def _text(response) -> str:
    return response.get_data(as_text=True)


def _count(container, model) -> int:
    with container.reader() as r:
        return r.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("counselling_start", "9999-12-31", "zwischen 1900 und 2100"),
    ("au_since", "31.12.9999", "zwischen 1900 und 2100"),
    ("birth_date", "1899-12-31", "zwischen 1900 und 2100"),
    ("birth_date", "2030-01-01", "nicht in der Zukunft"),
    ("first_name", "A" * 5000, "höchstens 100 Zeichen"),
    ("accommodation_address", "Hauptstraße " * 10_000, "höchstens 300 Zeichen"),
    ("languages", "x" * 100_000, "höchstens 200 Zeichen"),
])
def test_intake_refuses_out_of_range_dates_and_overlong_texts_with_a_field_error(signed_in, container, world,
                                                                                 field, value, message):
    response = signed_in("anna").post("/cases/new", data=intake_form(world.town_a, **{field: value}))
    assert response.status_code == 422 and message in _text(response)
    assert _count(container, Case) == 0


def test_intake_refuses_thousands_of_household_rows(signed_in, container, world):
    rows = {name: value for i in range(3000)
            for name, value in ((f"household-{i}-name", f"Kind {i}"), (f"household-{i}-relation", "child"))}
    response = signed_in("anna").post("/cases/new", data={**intake_form(world.town_a), **rows})
    assert response.status_code == 422 and "höchstens 50 Einträge" in _text(response)
    assert _count(container, HouseholdMember) == 0


def test_control_characters_and_nul_are_dropped_from_names_and_notes(signed_in, container, world):
    anna = signed_in("anna")
    response = anna.post("/cases/new", data=intake_form(world.town_a, first_name="Ami\x00na\x07",
                                                        last_name="Had\x1bdad"))
    assert response.status_code == 302, _text(response)
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    Driver(container).complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    assert anna.post(f"/cases/{case_id}/notes", data={"text": "Termin\x00 am Montag"}).status_code == 302
    with container.reader() as r:
        client = r.session.execute(select(Client)).scalar_one()
        assert (client.first_name, client.last_name) == ("Amina", "Haddad")
        assert r.session.execute(select(Note.text)).scalar_one() == "Termin am Montag"


def test_nul_inside_task_data_is_dropped_before_it_reaches_the_json_column(signed_in, container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    task = drive.open_task(case_id)
    data = {**ASSESSMENT, "assessment_summary": "Sprache\x00 zuerst", "case_version": "2"}
    response = signed_in("anna").post(f"/cases/{case_id}/tasks/{task.id}", data=data)
    assert response.status_code == 302, _text(response)
    with container.reader() as r:
        stored = r.session.get(CompletedTask, task.id).data
    assert stored["assessment_summary"] == "Sprache zuerst"


def test_editor_json_with_nul_is_refused(signed_in):
    client = signed_in("carla")
    schema = client.get("/prozesse/formulare/contact/entwurf.json").json
    schema["components"][0]["label"] = "Kon\x00takt"
    response = client.post("/prozesse/formulare/contact/entwurf", json={"schema": schema, "draft_version": None})
    assert response.status_code == 422 and "Steuerzeichen" in response.json["message"]


@pytest.mark.parametrize("version", [str(2 ** 31), str(2 ** 63), str(10 ** 30), "-1"])
def test_overflowing_case_version_is_refused_without_a_server_error(signed_in, container, world, version):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task = drive.open_task(case_id)
    response = signed_in("anna").post(f"/cases/{case_id}/tasks/{task.id}", data={**CONSENT, "case_version": version})
    assert response.status_code == 422
    with container.reader() as r:
        assert r.session.get(Case, case_id).version == 1


def test_target_agreement_date_far_in_the_future_is_a_field_error_not_a_process_failure(signed_in, container,
                                                                                         world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    task = drive.open_task(case_id)
    data = {**target_agreement(1), "plan_date": "9999-12-31", "case_version": "3"}
    response = signed_in("anna").post(f"/cases/{case_id}/tasks/{task.id}", data=data)
    assert response.status_code == 422 and "zwischen 1900 und 2100" in _text(response)
    assert _count(container, StepFailure) == 0


def test_form_text_fields_carry_the_same_maxlength_as_the_server(signed_in):
    page = _text(signed_in("anna").get("/cases/new"))
    assert 'name="first_name"' in page and 'maxlength="100"' in page
    assert 'maxlength="200"' in page  # a text field without its own limit gets the default


def test_long_words_wrap_on_every_page(client):
    css = _text(client.get("/static/css/app.css"))
    assert "overflow-wrap: anywhere" in css


@pytest.mark.parametrize(("field", "value", "message"), [
    ("birth_date", "9999-12-31", "zwischen 1900 und 2100"),
    ("first_name", "A" * 5000, "höchstens 100 Zeichen"),
    ("version", str(2 ** 63), "markierten Felder"),
], ids=["birth_date", "first_name", "version"])
def test_rectification_refuses_what_the_database_could_not_hold(signed_in, container, world, field, value, message):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    client = signed_in("carla")
    form = {**dict(intake_form(world.town_a).items()), "reason": "Tippfehler im Namen", "version": "1", field: value}
    response = client.post(f"/cases/{case_id}/berichtigung", data=form)
    assert response.status_code == 422 and message in _text(response)
    with container.reader() as r:
        assert r.session.get(Case, case_id).version == 1


def test_rectification_form_carries_the_column_sizes_as_maxlength(signed_in, container, world):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    page = _text(signed_in("carla").get(f"/cases/{case_id}/berichtigung"))
    assert 'id="r-first_name" name="first_name"' in page and 'maxlength="100"' in page and 'maxlength="300"' in page



def test_number_field_without_bounds_still_fits_a_database_integer():
    form = parse_form({"id": "zahl", "type": "default", "components": [{"id": "n", "type": "number", "key": "n"}]})
    refused = parse_submission(form, MultiDict({"n": str(2 ** 31)}))
    assert refused.errors["n"] == "Der Wert darf höchstens 2147483647 sein."
    assert parse_submission(form, MultiDict({"n": "42"})).data == {"n": 42}


@pytest.mark.parametrize("number", [str(2 ** 31), str(2 ** 63), "9" * 30])
def test_overflowing_numbers_in_paths_answer_404(app, signed_in, world, number):
    carla = signed_in("carla")
    # The API answers a signed-in browser session 401 before any id is read; its own fuzz covers its paths.
    rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule and not r.rule.startswith("/api/")]
    assert rules
    for rule in rules:
        url = re.sub(r"<(?:\w+:)?\w+>", "x", re.sub(r"<int:\w+>", number, rule.rule))
        method = "GET" if "GET" in rule.methods else "POST"
        assert carla.open(url, method=method).status_code == 404, url
