"""A team lead creates a form, adds a step using it with a builder condition and due date to the journey, deploys,
migrates a running case; the caseworker completes the new step and the case page shows its data."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from engine.db import ProcessDefinition
from journey import ASSESSMENT, CONSENT, Driver
from support import PASSWORD, intake_form

FIELDS = [
    {"id": "F_visit_date", "type": "datetime", "subtype": "date", "key": "visit_date", "label": "Besichtigt am",
     "dateLabel": "Besichtigt am", "validate": {"required": True}},
    {"id": "F_suitable", "type": "select", "key": "suitable", "label": "Wohnung geeignet?",
     "values": [{"label": "ja", "value": "yes"}, {"label": "nein", "value": "no"}], "validate": {"required": True}},
    {"id": "F_note", "type": "textarea", "key": "note", "label": "Eindruck", "validate": {"maxLength": 2000}},
]
# Adds the new step after the needs assessment: step → gateway → (suitable) plan, or (not) search → plan.
ADD_STEP = """() => {
  const m = window.iflBpmnModeler, reg = m.get('elementRegistry'), modeling = m.get('modeling');
  const assessment = reg.get('Task_Assessment'), plan = reg.get('Task_TargetAgreement');
  modeling.removeConnection(reg.get('Flow_Assessment_Plan'));
  const parent = assessment.parent;
  const visit = modeling.createShape({type: 'bpmn:UserTask'}, {x: assessment.x + 50, y: assessment.y + 240}, parent);
  modeling.updateLabel(visit, 'Wohnung besichtigen');
  const gateway = modeling.createShape({type: 'bpmn:ExclusiveGateway'}, {x: visit.x + 200, y: visit.y + 40}, parent);
  const search = modeling.createShape({type: 'bpmn:ManualTask'}, {x: gateway.x + 160, y: gateway.y + 130}, parent);
  modeling.updateLabel(search, 'Weitere Wohnung suchen');
  modeling.connect(assessment, visit);
  modeling.connect(visit, gateway);
  const yes = modeling.connect(gateway, plan);
  const no = modeling.connect(gateway, search);
  modeling.connect(search, plan);
  return {visit: visit.id, yes: yes.id, no: no.id};
}"""


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def _select(page: Page, element_id: str) -> None:
    page.evaluate("id => { const m = window.iflBpmnModeler; "
                  "m.get('selection').select(m.get('elementRegistry').get(id)); }", element_id)
    expect(page.locator("#bpmn-properties .bio-properties-panel-header-type")).to_be_visible()


def _choose(page: Page, entry: str, value: str) -> None:
    page.locator(f"#bpmn-properties #bio-properties-panel-{entry}").select_option(value)


def _condition(page: Page, flow_id: str, operator: str) -> None:
    _select(page, flow_id)
    mode = page.locator("#bpmn-properties #bio-properties-panel-iflConditionMode")
    expect(mode).to_be_visible()  # the panel has switched to the flow
    # The choice writes the flow's condition; the panel then redraws with the builder's fields. A choice made while
    # the panel was still redrawing for the previous element can be lost on a loaded machine: choose again then.
    has_condition = ("id => !!window.iflBpmnModeler.get('elementRegistry').get(id)"
                     ".businessObject.conditionExpression")
    for attempt in range(3):
        mode.select_option("builder")
        try:
            page.wait_for_function(has_condition, arg=flow_id, timeout=5000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    expect(page.locator("#bpmn-properties #bio-properties-panel-iflConditionField")).to_be_visible()
    _choose(page, "iflConditionField", "suitable")
    _choose(page, "iflConditionOperator", operator)
    _choose(page, "iflConditionChoice", "yes")


@pytest.mark.browser
def test_team_lead_adds_a_step_with_a_new_form_and_the_caseworker_completes_it(page, js_errors, shot, container,
                                                                                 world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Wohnung"))
    # The running case waits for the consent: the steps version 2 changes lie ahead of it, so it may move.

    # 1. The new form: created, its fields loaded from a file in the editor, saved and deployed.
    _log_in(page, "carla")
    page.goto("/prozesse/")
    page.get_by_role("link", name="Neues Formular").click()
    page.get_by_label("Titel").fill("Wohnungsbesichtigung")
    page.get_by_label("Formular-id").fill("wohnungsbesichtigung")
    page.get_by_role("button", name="Anlegen und im Editor öffnen").click()
    expect(page.locator(".flash-success")).to_contain_text("ist angelegt")
    editor = page.locator("#form-editor")
    expect(editor.locator(".fjs-editor-container")).to_be_visible()
    schema = {"type": "default", "id": "wohnungsbesichtigung", "schemaVersion": 16,
              "properties": {"title": "Wohnungsbesichtigung"}, "components": FIELDS}
    page.set_input_files("#form-upload", files=[{"name": "wohnungsbesichtigung.json", "mimeType": "application/json",
                                                 "buffer": json.dumps(schema).encode("utf-8")}])
    expect(editor.locator(".fjs-editor-container")).to_contain_text("Wohnung geeignet?")
    expect(editor.locator(".fjs-editor-container")).not_to_contain_text("Notiz")  # the starter field is replaced
    page.locator("#form-save").click()
    expect(page.locator("#form-status")).to_contain_text("Entwurf gespeichert.")
    page.fill("#form-comment", "Neues Formular für die Wohnungssuche")
    page.get_by_role("button", name="Neue Version bereitstellen").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 1 des Formulars „wohnungsbesichtigung“")

    # 2. The step in the journey, with the form, role, due date and gateway conditions from the builders.
    page.goto("/prozesse/client_journey/bearbeiten")
    modeler = page.locator("#bpmn-modeler")
    expect(modeler).to_have_attribute("data-modeler-state", "ready")
    ids = page.evaluate(ADD_STEP)
    _select(page, ids["visit"])
    _choose(page, "iflFormKeyChoice", "wohnungsbesichtigung")
    _choose(page, "iflRole", "caseworker")
    _choose(page, "iflDueMode", "builder")
    count = page.locator("#bpmn-properties #bio-properties-panel-iflDueCount")
    count.fill("7")
    count.press("Tab")
    # The panel commits text fields debounced: wait for the count to reach the diagram before the next choice.
    page.wait_for_function("() => window.iflBpmnModeler.saveXML().then(r => r.xml.includes(\"'P7D'\"))")
    _choose(page, "iflDueUnit", "D")
    _choose(page, "iflDueRef", "step_completed_on")
    shot("neuer-schritt-frist")
    _condition(page, ids["yes"], "==")
    expect(page.locator("#bpmn-properties #bio-properties-panel-iflConditionChoice option:checked")).to_have_text("ja")
    shot("neuer-schritt-bedingung")
    _condition(page, ids["no"], "!=")
    page.wait_for_function("() => window.iflBpmnModeler.saveXML().then(r => r.xml.includes(\"suitable != 'yes'\")"
                           " && r.xml.includes(\"add_duration(step_completed_on, 'P7D')\"))")
    page.locator("#bpmn-check").click()
    expect(page.locator("#modeler-status")).to_contain_text("Keine Fehler gefunden.")
    page.locator("#bpmn-save").click()
    expect(page.locator("#modeler-status")).to_contain_text("Entwurf gespeichert.")
    page.fill("#deploy-comment", "Wohnungsbesichtigung nach der Bedarfsanalyse")
    page.get_by_role("button", name="Neue Version bereitstellen").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 2 von")

    # 3. The running case moves to version 2.
    page.goto("/prozesse/migration/client_journey")
    shot("migration-vorschau")
    page.get_by_label("alle migrierbaren auswählen").check()
    page.get_by_role("button", name="Ausgewählte Fälle migrieren").click()
    expect(page.locator("main")).to_contain_text("1 migriert, 0 übersprungen.")
    with container.reader() as r:
        v2 = r.session.execute(select(ProcessDefinition).where(ProcessDefinition.version == 2)).scalar_one()
    assert "suitable == 'yes'" in v2.bpmn_xml and 'camunda:formKey="wohnungsbesichtigung"' in v2.bpmn_xml

    # 4. The caseworker records consent and assessment; the new step is in her worklist, she completes it.
    drive.complete(world.anna, case_id, CONSENT, expect="consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="assessment")
    page.context.clear_cookies()
    _log_in(page, "anna")
    row = page.locator("tr", has_text="Wohnung besichtigen")
    expect(row).to_contain_text("Wohnung")
    shot("arbeitsliste-neuer-schritt")
    row.get_by_role("link", name="Wohnung besichtigen").click()
    page.get_by_label("Besichtigt am").fill("2026-02-03")
    page.get_by_label("Wohnung geeignet?").select_option(label="ja")
    page.get_by_label("Eindruck").fill("Zwei Zimmer, nah an der Schule")
    page.get_by_role("button", name="Erledigen").click()
    expect(page.locator(".flash-success")).to_be_visible()
    page.goto("/")
    expect(page.locator("tr", has_text="Integrationsplan und Zielvereinbarung")).to_contain_text("Wohnung")

    # 5. The case page shows the new form's data in its own section.
    page.goto(f"/cases/{case_id}#formulare")
    section = page.locator("#formulare")
    expect(section).to_contain_text("Wohnungsbesichtigung")
    expect(section).to_contain_text("03.02.2026")
    expect(section).to_contain_text("Zwei Zimmer, nah an der Schule")
    shot("fallseite-neues-formular")
    assert js_errors == []
