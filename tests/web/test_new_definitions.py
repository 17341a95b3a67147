"""Neuer Prozess and Neues Formular: create, refuse bad input in German, list, edit, deploy, start on a case."""
from __future__ import annotations

import html
import io
import json

import pytest
from sqlalchemy import select

from engine.config import SHIPPED_BPMN_DIR
from engine.db import Case, CaseProcess, DefinitionDraft, Event, FormDraft, ProcessDefinition
from journey import CONSENT, Driver
from support import intake_form


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _create(client, **fields):
    data = {"name": "Wohnungssuche begleiten", "key": "wohnungssuche", "source": "blank", **fields}
    return client.post("/prozesse/neu", data=data, content_type="multipart/form-data")


def _deploy(client, key, version, comment="erste Version"):
    return client.post(f"/prozesse/{key}/bereitstellen", data={"draft_version": str(version), "comment": comment})


def test_a_supervisor_creates_a_blank_process_deploys_it_and_a_caseworker_starts_it(container, world, signed_in):
    carla = signed_in("carla")
    assert "Neuer Prozess" in _text(carla.get("/prozesse/"))
    assert 'name="key"' in _text(carla.get("/prozesse/neu"))
    created = _create(carla)
    assert created.status_code == 302 and created.headers["Location"].endswith("/prozesse/wohnungssuche/bearbeiten")
    listing = _text(carla.get("/prozesse/"))
    assert "Wohnungssuche begleiten" in listing and "noch keine Version bereitgestellt" in listing
    editor = _text(carla.get("/prozesse/wohnungssuche/bearbeiten"))
    assert "Wohnungssuche begleiten" in editor and 'data-vocabulary="' in editor and "Pflichtschritt" not in editor
    assert "Integrationsmanager/in" in editor  # the role names the panel offers
    assert 'id="wohnungssuche"' in carla.get("/prozesse/wohnungssuche/entwurf.bpmn").get_data(as_text=True)
    # A never-deployed process has nothing to compare or migrate yet: clear 404s, no error page.
    assert carla.get("/prozesse/wohnungssuche/vergleich").status_code == 404
    deployed = _deploy(carla, "wohnungssuche", 1)
    assert deployed.status_code == 302
    assert "Abläufe, die ab jetzt starten" in _text(carla.get("/prozesse/"))
    with container.reader() as r:
        row = r.session.execute(select(ProcessDefinition).where(ProcessDefinition.key == "wohnungssuche")).scalar_one()
        assert (row.version, row.kind, row.name) == (1, "case_process", "Wohnungssuche begleiten")
        assert r.session.get(DefinitionDraft, "wohnungssuche") is None
        kinds = set(r.session.execute(select(Event.kind).where(Event.kind.in_(
            ["definition_created", "definition_deployed"]))).scalars())
        assert kinds == {"definition_created", "definition_deployed"}

    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="consent")
    anna = signed_in("anna")
    page = _text(anna.get(f"/cases/{case_id}"))
    assert '<option value="wohnungssuche">Wohnungssuche begleiten</option>' in page
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    started = anna.post(f"/cases/{case_id}/ablaeufe", data={"key": "wohnungssuche", "version": str(version)})
    assert started.status_code == 302
    assert "Ersten Schritt erledigen" in _text(anna.get("/"))
    with container.reader() as r:
        keys = set(r.session.execute(select(ProcessDefinition.key).join(
            CaseProcess, CaseProcess.definition_id == ProcessDefinition.id).where(CaseProcess.case_id == case_id))
            .scalars())
    assert keys == {"client_journey", "wohnungssuche"}


@pytest.mark.parametrize(("fields", "message"), [
    ({"key": ""}, "Bitte geben Sie einen Schlüssel an"),
    ({"key": "Wohnung suchen"}, "Kleinbuchstaben, Ziffern"),
    ({"key": "neu"}, "„neu“ ist als Schlüssel nicht möglich"),
    ({"key": "client_journey"}, "Den Schlüssel „client_journey“ gibt es schon"),
    ({"name": "   "}, "Bitte geben Sie einen Namen an"),
    ({"name": "x" * 201}, "Das ist zu lang (höchstens 200 Zeichen)"),
    ({"source": "template"}, "Bitte wählen Sie eine Vorlage"),
    ({"source": "template", "template": "gibtsnicht"}, "Diese Vorlage gibt es nicht"),
    ({"source": "upload"}, "Bitte wählen Sie eine BPMN-Datei aus"),
    ({"source": "magic"}, "Unbekannte Art, den Prozess anzulegen"),
])
def test_bad_input_is_refused_in_german_and_nothing_is_created(container, signed_in, fields, message):
    response = _create(signed_in("carla"), **fields)
    assert response.status_code == 422
    assert message in _text(response)
    with container.reader() as r:
        assert r.session.execute(select(DefinitionDraft)).first() is None


def test_a_copy_of_a_template_and_an_upload_get_the_new_key_as_process_id(container, signed_in):
    carla = signed_in("carla")
    assert _create(carla, key="anerkennung_pflege", name="Anerkennung Pflege", source="template",
                   template="recognition").status_code == 302
    uploaded = (SHIPPED_BPMN_DIR / "recognition.bpmn").read_bytes()
    assert _create(carla, key="hochgeladen", name="Hochgeladen", source="upload",
                   file=(io.BytesIO(uploaded), "anerkennung.bpmn")).status_code == 302
    for key in ("anerkennung_pflege", "hochgeladen"):
        xml = carla.get(f"/prozesse/{key}/entwurf.bpmn").get_data(as_text=True)
        assert f'id="{key}"' in xml and 'id="recognition"' not in xml and f'bpmnElement="{key}"' in xml
        assert _deploy(carla, key, 1).status_code == 302, key
    # A copy of the journey becomes a further case process: there is one journey.
    assert _create(carla, key="reise_kopie", name="Kopie", source="template",
                   template="client_journey").status_code == 302
    xml = carla.get("/prozesse/reise_kopie/entwurf.bpmn").get_data(as_text=True)
    assert 'name="integraflow.kind" value="case_process"' in xml


def test_a_hostile_upload_is_refused_and_nothing_is_created(container, signed_in):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    response = _create(signed_in("carla"), source="upload", file=(io.BytesIO(bomb), "bombe.bpmn"))
    assert response.status_code == 422 and "DTD" in _text(response)
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "wohnungssuche") is None


def test_only_authors_may_create(signed_in):
    for user in ("anna", "erik"):
        client = signed_in(user)
        assert client.get("/prozesse/neu").status_code == 403
        assert client.get("/prozesse/formulare/neu").status_code == 403
        assert _create(client).status_code == 403
        assert client.post("/prozesse/formulare/neu", data={"key": "abc", "title": "T"}).status_code == 403


def test_a_new_form_is_a_draft_until_deployed_and_a_step_may_use_it_only_then(container, signed_in):
    carla = signed_in("carla")
    assert "Neues Formular" in _text(carla.get("/prozesse/"))
    created = carla.post("/prozesse/formulare/neu", data={"key": "wohnungsbesichtigung",
                                                          "title": "Wohnungsbesichtigung"})
    assert created.status_code == 302
    assert created.headers["Location"].endswith("/prozesse/formulare/wohnungsbesichtigung")
    assert "Wohnungsbesichtigung" in _text(carla.get("/prozesse/"))
    assert 'id="form-editor"' in _text(carla.get("/prozesse/formulare/wohnungsbesichtigung"))
    schema = json.loads(carla.get("/prozesse/formulare/wohnungsbesichtigung/entwurf.json").get_data(as_text=True))
    assert schema["id"] == "wohnungsbesichtigung" and schema["properties"]["title"] == "Wohnungsbesichtigung"

    # A step using the form while it is only a draft: the check says what to do.
    _create(carla)
    xml = carla.get("/prozesse/wohnungssuche/entwurf.bpmn").get_data(as_text=True)
    xml = xml.replace('<bpmn:manualTask id="Activity_1" name="Ersten Schritt erledigen" '
                      'camunda:candidateGroups="caseworker">',
                      '<bpmn:userTask id="Activity_1" name="Besichtigung" camunda:formKey="wohnungsbesichtigung" '
                      'camunda:candidateGroups="caseworker">').replace("</bpmn:manualTask>", "</bpmn:userTask>")
    checked = carla.post("/prozesse/wohnungssuche/pruefen", json={"xml": xml}).get_json()
    assert any("erst ein Entwurf" in p["message"] for p in checked["problems"]), checked

    schema["components"].append({"id": "F_date", "type": "datetime", "subtype": "date", "key": "visit_date",
                                 "label": "Besichtigt am", "dateLabel": "Besichtigt am"})
    assert carla.post("/prozesse/formulare/wohnungsbesichtigung/entwurf",
                      json={"schema": schema, "draft_version": 1}).get_json()["ok"]
    assert carla.post("/prozesse/formulare/wohnungsbesichtigung/bereitstellen",
                      data={"draft_version": "2", "comment": "neu"}).status_code == 302
    with container.reader() as r:
        assert r.session.get(FormDraft, "wohnungsbesichtigung") is None
    checked = carla.post("/prozesse/wohnungssuche/pruefen", json={"xml": xml}).get_json()
    assert not [p for p in checked["problems"] if p["severity"] == "error"], checked
    # The builders get the new form's fields.
    assert "visit_date" in _text(carla.get("/prozesse/wohnungssuche/bearbeiten"))


@pytest.mark.parametrize(("fields", "message"), [
    ({"key": "x"}, "Formular-id"),
    ({"key": "intake"}, "Das Formular „intake“ gibt es schon"),
    ({"title": ""}, "Bitte geben Sie einen Titel an"),
])
def test_bad_form_input_is_refused_in_german(signed_in, fields, message):
    data = {"key": "wohnungsbesichtigung", "title": "Wohnungsbesichtigung", **fields}
    response = signed_in("carla").post("/prozesse/formulare/neu", data=data)
    assert response.status_code == 422 and message in _text(response)
