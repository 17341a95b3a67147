"""Prozesse pages: list, modeler endpoints (save, check, upload, deploy), hostile XML, compare, form editor."""
from __future__ import annotations

import html
import io

import pytest
from sqlalchemy import select

from engine.config import SHIPPED_BPMN_DIR
from engine.db import DefinitionDraft, Event, FormVersion, ProcessDefinition
from journey import Driver
from support import add_user, intake_form

SHIPPED = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")
RENAMED = SHIPPED.replace('name="Bedarfsanalyse"', 'name="Bedarfsanalyse (neu)"')


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin(container, world):
    """An administrator of the district."""
    return add_user(container, world, "admin", "Ada Admin", "admin", world.org_a)


def _save(client, xml, version=None):
    return client.post("/prozesse/client_journey/entwurf", json={"xml": xml, "draft_version": version})


def _versions(container) -> list[int]:
    with container.reader() as r:
        return list(r.session.execute(select(ProcessDefinition.version)
                                      .where(ProcessDefinition.key == "client_journey")
                                      .order_by(ProcessDefinition.version)).scalars())


def test_list_shows_versions_running_cases_and_forms_with_their_uses(container, world, signed_in):
    Driver(container).open(world.anna, intake_form(world.town_a))
    page = _text(signed_in("carla").get("/prozesse/"))
    assert "Integrationsmanagement" in page or "client_journey" in page
    assert 'class="num running-cases">1<' in page.replace(" ", " ")
    assert "Bearbeiten" in page and ".bpmn herunterladen" in page
    assert "Erstaufnahme" in page and "Neuer Fall (Erstaufnahme)" in page
    assert "Kontakt dokumentieren (Fallseite)" in page
    assert "kreisweit" in page
    assert 'href="/prozesse/migration/client_journey"' in page  # the way to the impact preview


def test_compliance_reads_the_list_but_may_not_edit(signed_in):
    client = signed_in("erik")
    page = _text(client.get("/prozesse/"))
    assert "client_journey" in page and "/prozesse/client_journey/bearbeiten" not in page
    assert "/prozesse/migration/" not in page
    assert client.get("/prozesse/client_journey/bearbeiten").status_code == 403
    assert _save(client, SHIPPED).status_code == 403
    assert signed_in("anna").get("/prozesse/").status_code == 403


def test_modeler_page_follows_the_widget_contract(signed_in):
    page = _text(signed_in("carla").get("/prozesse/client_journey/bearbeiten"))
    for needle in ('id="bpmn-modeler"', 'data-xml-url="/prozesse/client_journey/entwurf.bpmn"',
                   'data-save-url="/prozesse/client_journey/entwurf"',
                   'data-check-url="/prozesse/client_journey/pruefen"',
                   'data-draft-version=""', 'data-filename="client_journey.bpmn"', 'data-readonly="0"',
                   'id="bpmn-properties"', 'id="bpmn-check"', 'id="bpmn-save"', 'id="bpmn-download"',
                   'id="bpmn-upload"', 'id="modeler-status"', 'id="lint-problems"', '"intake"'):
        assert needle in page, needle


def test_save_then_stale_save_gets_409_with_the_colleagues_name(container, world, signed_in, admin):
    carla = signed_in("carla")
    first = _save(carla, RENAMED)
    assert first.status_code == 200 and first.json["ok"] and first.json["draft_version"] == 1
    assert signed_in("carla").get("/prozesse/client_journey/entwurf.bpmn").get_data(as_text=True) == RENAMED
    second = _save(signed_in("admin"), RENAMED.replace("(neu)", "(admin)"), 1)
    assert second.json["draft_version"] == 2
    stale = _save(carla, RENAMED.replace("(neu)", "(carla)"), 1)
    assert stale.status_code == 409 and not stale.json["ok"]
    assert "Der Entwurf wurde inzwischen von Ada Admin" in stale.json["message"]
    with container.reader() as r:
        assert "(admin)" in r.session.get(DefinitionDraft, "client_journey").bpmn_xml


def test_check_reports_problems_with_element_ids(signed_in):
    broken = SHIPPED.replace('camunda:formKey="assessment" ', "")
    response = signed_in("carla").post("/prozesse/client_journey/pruefen", json={"xml": broken})
    assert response.status_code == 200
    assert {"severity": "error", "element_id": "Task_Assessment",
            "message": "Benutzeraufgabe ohne Formular (camunda:formKey fehlt)."} in response.json["problems"]


@pytest.mark.parametrize("body,status", [
    (b"{not json", 422), (b'{"draft_version": 1}', 422), (b'["xml"]', 422), (b'{"xml": 5}', 422)])
def test_bad_json_gets_a_german_json_error(signed_in, body, status):
    response = signed_in("carla").post("/prozesse/client_journey/entwurf", data=body,
                                       content_type="application/json")
    assert response.status_code == status and response.json["ok"] is False
    assert "Anfrage" in response.json["message"]


def test_oversized_body_is_refused_from_its_length_with_413_json(signed_in):
    response = signed_in("carla").post("/prozesse/client_journey/entwurf", data=b"x" * (11 * 1024 * 1024),
                                       content_type="application/json")
    assert response.status_code == 413 and "zu groß" in response.json["message"]


XXE = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><bpmn:definitions '
          'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>')
NOT_BPMN = '<?xml version="1.0"?><html><body>hallo</body></html>'
IMPORT = SHIPPED.replace("eligible == True", "__import__('os').system('id')")
SUBCLASSES = SHIPPED.replace("eligible == True", "().__class__.__bases__[0].__subclasses__()")
OPEN = SHIPPED.replace("eligible == True", "open('/etc/passwd').read()")


@pytest.mark.parametrize("xml,element_id,needle", [
    (XXE, "", "DTD"), (LAUGHS, "", "DTD"), (NOT_BPMN, "", "kein BPMN"),
    (IMPORT, "Flow_Eligible_Yes", "__import__"), (SUBCLASSES, "Flow_Eligible_Yes", "Nicht erlaubt"),
    (OPEN, "Flow_Eligible_Yes", "'open'")])
def test_hostile_xml_through_the_save_endpoint_is_refused_and_nothing_stored(container, signed_in, xml,
                                                                              element_id, needle):
    response = _save(signed_in("carla"), xml)
    assert response.status_code == 422 and response.json["ok"] is False
    assert any(p["element_id"] == element_id and needle in p["message"] for p in response.json["problems"]), \
        response.json
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey") is None


def test_upload_without_javascript_becomes_the_draft(container, signed_in):
    client = signed_in("carla")
    response = client.post("/prozesse/client_journey/hochladen", data={
        "draft_version": "", "file": (io.BytesIO(RENAMED.encode()), "neu.bpmn")}, follow_redirects=True)
    assert response.status_code == 200 and "ist jetzt der Entwurf" in _text(response)
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey").bpmn_xml == RENAMED


def test_uploading_a_50_mb_file_is_refused_without_reading_it(signed_in):
    response = signed_in("carla").post("/prozesse/client_journey/hochladen", data={
        "file": (io.BytesIO(b"<" * (50 * 1024 * 1024)), "riesig.bpmn")})
    assert response.status_code == 413 and "zu groß" in _text(response)


def test_deploy_refused_while_errors_remain_then_accepted_with_comment(container, signed_in):
    client = signed_in("carla")
    broken = RENAMED.replace('camunda:formKey="assessment" ', "")
    assert _save(client, broken).status_code == 200
    refused = client.post("/prozesse/client_journey/bereitstellen", data={"draft_version": "1", "comment": "x"})
    page = _text(refused)
    assert refused.status_code == 422 and "Bereitstellung abgelehnt" in page and "Task_Assessment" in page
    assert _versions(container) == [1]
    assert _save(client, RENAMED, 1).status_code == 200
    no_comment = client.post("/prozesse/client_journey/bereitstellen", data={"draft_version": "2", "comment": " "})
    assert no_comment.status_code == 422 and "Kommentar" in _text(no_comment)
    done = client.post("/prozesse/client_journey/bereitstellen", data={"draft_version": "2",
                                                                       "comment": "Neuer Name"},
                       follow_redirects=True)
    assert "Version 2" in _text(done) and "Neuer Name" in _text(done)
    assert _versions(container) == [1, 2]
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey") is None
        event = r.session.execute(select(Event).where(Event.kind == "definition_deployed")).scalars().all()[-1]
        assert event.payload["version"] == 2 and event.payload["comment"] == "Neuer Name"


def test_view_adopt_and_compare(container, signed_in):
    client = signed_in("carla")
    _save(client, RENAMED)
    client.post("/prozesse/client_journey/bereitstellen", data={"draft_version": "1", "comment": "v2"})
    with container.reader() as r:
        v1, v2 = r.session.execute(select(ProcessDefinition.id).where(ProcessDefinition.key == "client_journey")
                                   .order_by(ProcessDefinition.version)).scalars()
    view = _text(client.get(f"/prozesse/versionen/{v1}"))
    assert 'data-readonly="1"' in view and "Als Entwurf übernehmen" in view
    client.post(f"/prozesse/versionen/{v1}/uebernehmen", data={"draft_version": ""})
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey").bpmn_xml == SHIPPED
    compare = _text(signed_in("erik").get(f"/prozesse/client_journey/vergleich?alt={v1}&neu={v2}"))
    assert '<li data-element-id="Task_Assessment"' in compare
    assert "Name: „Bedarfsanalyse“ → „Bedarfsanalyse (neu)“" in compare
    assert "Task_Assessment" in compare and 'id="bpmn-diff"' in compare
    download = client.get(f"/prozesse/versionen/{v2}.bpmn?download=1")
    assert download.headers["Content-Disposition"].endswith('client_journey_v2.bpmn"')


def test_discard_draft(container, signed_in):
    client = signed_in("carla")
    _save(client, RENAMED)
    client.post("/prozesse/client_journey/verwerfen", data={"draft_version": "1"})
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey") is None


def _form_schema(container, form_id):
    with container.reader() as r:
        return r.session.execute(select(FormVersion.schema).where(FormVersion.form_id == form_id)).scalar()


def test_form_editor_page_save_and_deploy(container, signed_in):
    client = signed_in("carla")
    page = _text(client.get("/prozesse/formulare/contact"))
    for needle in ('id="form-editor"', 'data-schema-url="/prozesse/formulare/contact/entwurf.json"',
                   'data-save-url="/prozesse/formulare/contact/entwurf"', 'id="form-save"',
                   'id="form-preview-button"', 'id="form-download"', 'id="form-upload"', 'id="form-preview"',
                   'id="form-status"', 'id="form-problems"', "Kontakt dokumentieren (Fallseite)"):
        assert needle in page, needle
    schema = client.get("/prozesse/formulare/contact/entwurf.json").json
    field = next(c for c in schema["components"] if c.get("label"))
    field["label"] = "Neue Beschriftung"
    saved = client.post("/prozesse/formulare/contact/entwurf", json={"schema": schema, "draft_version": None})
    assert saved.json["ok"] and saved.json["draft_version"] == 1 and saved.json["problems"] == []
    done = client.post("/prozesse/formulare/contact/bereitstellen", data={"draft_version": "1",
                                                                          "comment": "Beschriftung"},
                       follow_redirects=True)
    assert "Version 2 des Formulars" in _text(done)


def test_form_deploy_refused_when_a_condition_reads_a_removed_field(container, signed_in):
    client = signed_in("carla")
    schema = client.get("/prozesse/formulare/eligibility_review/entwurf.json").json
    schema["components"] = [c for c in schema["components"] if c.get("key") != "eligibility_decision"]
    client.post("/prozesse/formulare/eligibility_review/entwurf", json={"schema": schema})
    refused = client.post("/prozesse/formulare/eligibility_review/bereitstellen",
                          data={"draft_version": "1", "comment": "Feld entfernt"})
    page = _text(refused)
    assert refused.status_code == 422 and "eligibility_decision" in page and "Flow_Decision_Approve" in page


def test_invalid_form_schema_is_reported_on_save(signed_in):
    client = signed_in("carla")
    bad = {"id": "contact", "type": "default", "components": "nein"}
    response = client.post("/prozesse/formulare/contact/entwurf", json={"schema": bad})
    assert response.json["ok"] and response.json["problems"][0]["severity"] == "error"
    other = client.post("/prozesse/formulare/contact/entwurf", json={"schema": {"id": "intake"}, "draft_version": 1})
    assert other.status_code == 422 and "contact" in other.json["message"]


def test_a_3_mb_upload_is_read_under_the_bpmn_limit_before_csrf_checks_it(app_csrf, signed_in):
    # CSRF protection parses the form body first; with the app-wide 2 MB limit that would answer 413.
    response = signed_in("carla", on_app=app_csrf).post("/prozesse/client_journey/hochladen", data={
        "file": (io.BytesIO(b" " * (3 * 1024 * 1024)), "gross.bpmn")})
    assert response.status_code == 400 and "Das Formular ist abgelaufen" in _text(response)


def test_uploading_a_hostile_file_is_refused_with_the_element_and_nothing_stored(container, signed_in):
    response = signed_in("carla").post("/prozesse/client_journey/hochladen", data={
        "draft_version": "", "file": (io.BytesIO(IMPORT.encode()), "boese.bpmn")})
    page = _text(response)
    assert response.status_code == 422
    assert "„boese.bpmn“: Die Datei enthält nicht erlaubten Code" in page
    assert "Flow_Eligible_Yes" in page and "Nicht erlaubter Name: __import__" in page
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey") is None


@pytest.mark.parametrize("xml,needle", [(XXE, "DTD"), (LAUGHS, "DTD"), (NOT_BPMN, "kein BPMN"), ("", "leer"),
                                        (IMPORT, "__import__"), (OPEN, "'open'")])
def test_check_answers_hostile_xml_with_findings_never_an_error(signed_in, xml, needle):
    response = signed_in("carla").post("/prozesse/client_journey/pruefen", json={"xml": xml})
    assert response.status_code == 200
    assert any(needle in p["message"] and p["severity"] == "error" for p in response.json["problems"])
