"""A supervisor edits the client journey in the browser modeler, fixes a lint error, deploys, sees the new version."""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.db import Event, ProcessDefinition
from journey import CONSENT, Driver
from support import PASSWORD, intake_form


def _log_in(page: Page, username: str, name: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".topbar .who")).to_contain_text(name)


def _select(page: Page, element_id: str) -> None:
    page.locator(f"#bpmn-modeler .djs-shape[data-element-id='{element_id}'] .djs-hit").first.click()
    expect(page.locator("#bpmn-properties .bio-properties-panel-header-label")).to_be_visible()


def _set_field(page: Page, selector: str, value: str) -> None:
    field = page.locator(f"#bpmn-properties {selector}")
    field.fill(value)
    field.press("Tab")


def test_supervisor_renames_a_task_fixes_a_missing_form_deploys_and_sees_version_2(page, container, world, shot,
                                                                                    js_errors):
    _log_in(page, "carla", "Carla Cramer")
    page.locator(".topbar nav").get_by_role("link", name="Prozesse").click()
    expect(page.locator("h1")).to_have_text("Prozesse")
    shot("prozesse-liste")
    page.get_by_role("link", name="Bearbeiten").first.click()
    modeler = page.locator("#bpmn-modeler")
    expect(modeler).to_have_attribute("data-modeler-state", "ready")

    _select(page, "Task_Assessment")
    _set_field(page, "#bio-properties-panel-name", "Bedarfsgespräch")
    expect(modeler).to_have_attribute("data-dirty", "1")
    _set_field(page, "#bio-properties-panel-iflFormKey", "")
    # The panel commits text fields debounced: wait until the diagram itself has lost the form key.
    page.wait_for_function("() => window.iflBpmnModeler.saveXML().then("
                           "r => !/id=\"Task_Assessment\"[^>]*formKey/.test(r.xml))")
    page.locator("#bpmn-check").click()
    problems = page.locator("#lint-problems")
    expect(problems).to_contain_text("Benutzeraufgabe ohne Formular (camunda:formKey fehlt).")
    expect(modeler.locator(".djs-element.lint-error[data-element-id='Task_Assessment']")).to_have_count(1)
    shot("modeler-lint-fehler")

    # The problem names its element; clicking the name selects it in the diagram and the properties panel.
    problems.locator("li", has_text="Benutzeraufgabe ohne Formular").locator("button").click()
    expect(page.locator("#bpmn-properties .bio-properties-panel-header-label")).to_have_text("Bedarfsgespräch")
    page.locator("#bpmn-properties #bio-properties-panel-iflFormKeyChoice").select_option("assessment")
    page.locator("#bpmn-check").click()
    expect(problems).not_to_contain_text("Benutzeraufgabe ohne Formular")
    expect(modeler.locator(".lint-error")).to_have_count(0)
    page.locator("#bpmn-save").click()
    expect(page.locator("#modeler-status")).to_contain_text("Entwurf gespeichert.")
    expect(modeler).to_have_attribute("data-draft-version", "1")
    expect(modeler).to_have_attribute("data-dirty", "0")

    page.fill("#deploy-comment", "Bedarfsanalyse heißt jetzt Bedarfsgespräch")
    shot("modeler-gespeichert")
    page.get_by_role("button", name="Neue Version bereitstellen").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 2 von")
    expect(page.locator("h1")).to_have_text("Prozesse")
    journey = page.locator("section[aria-labelledby='def-client_journey']")
    row = journey.locator("table.definition-versions tr[data-version='2']")
    expect(row).to_contain_text("Bedarfsanalyse heißt jetzt Bedarfsgespräch")
    expect(row).to_contain_text("Carla Cramer")
    expect(row).to_contain_text("aktuell")
    shot("prozesse-version-2")

    journey.locator("tr[data-version='1']").get_by_role("link", name="Ansehen").click()
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-modeler-state", "ready")
    expect(page.get_by_role("button", name="Als Entwurf übernehmen")).to_be_visible()
    shot("version-1-ansicht")
    page.go_back()
    page.get_by_role("button", name="Vergleichen").click()
    expect(page.locator("#bpmn-diff-list li[data-element-id='Task_Assessment']")).to_contain_text(
        "Name: „Bedarfsanalyse“ → „Bedarfsgespräch“")
    expect(page.locator("#bpmn-diff-new .diff-changed[data-element-id='Task_Assessment']")).to_have_count(1)
    shot("vergleich")

    with container.reader() as r:
        v2 = r.session.execute(select(ProcessDefinition).where(ProcessDefinition.version == 2)).scalar_one()
        deployed = r.session.execute(select(Event).where(Event.kind == "definition_deployed")).scalar_one()
    assert 'name="Bedarfsgespräch"' in v2.bpmn_xml and 'camunda:formKey="assessment"' in v2.bpmn_xml
    assert deployed.actor_id == world.carla.id
    assert js_errors == []


def test_supervisor_edits_a_form_previews_and_deploys_it_and_the_case_page_shows_it(page, container, world, shot,
                                                                                       js_errors):
    driver = Driver(container)
    case_id = driver.open(world.anna, intake_form(world.town_a))
    driver.complete(world.anna, case_id, CONSENT, expect="Task_Consent")  # contacts are logged after consent
    _log_in(page, "carla", "Carla Cramer")
    page.goto("/prozesse/")
    page.locator("tr[data-form-id='contact']").get_by_role("link", name="Bearbeiten").click()
    editor = page.locator("#form-editor")
    expect(editor.locator(".fjs-editor-container")).to_be_visible()
    editor.locator(".fjs-form-field").nth(1).click()
    editor.locator("[data-group-id='group-general'] .bio-properties-panel-group-header").click()
    label = editor.locator("#bio-properties-panel-label")
    new_label = label.inner_text().strip() + " (neu)"  # a contenteditable (templating) field
    label.click()
    page.keyboard.press("End")
    page.keyboard.type(" (neu)")
    expect(editor.locator(".fjs-form-field").nth(1)).to_contain_text(new_label)
    page.locator("#form-preview-button").click()
    expect(page.locator("#form-preview .fjs-form")).to_contain_text(new_label)
    shot("formular-editor")
    page.locator("#form-save").click()
    expect(page.locator("#form-status")).to_contain_text("Entwurf gespeichert.")
    page.fill("#form-comment", "Beschriftung geändert")
    page.get_by_role("button", name="Neue Version bereitstellen").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 2 des Formulars „contact“ ist bereitgestellt")
    expect(page.locator("tr[data-form-id='contact']")).to_contain_text("Beschriftung geändert")
    page.goto(f"/cases/{case_id}")
    # The contact form on the case page is version 2 now.
    expect(page.locator("main form").filter(has_text="Kontakt")).to_contain_text(new_label)
    assert js_errors == []
