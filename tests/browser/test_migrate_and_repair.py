"""A team lead previews the impact of version 2, selects the cases that can move, migrates them; repairs a case."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine.authoring import deploy_definition
from engine.errors import WorkflowFailure
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from migration_cases import broken_schedule, deploy_v2, scenario_cases
from support import PASSWORD, intake_form

SHIPPED = (Path(__file__).parents[2] / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8")


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.browser
def test_preview_select_all_migratable_and_migrate(page, js_errors, shot, container, world):
    cases = scenario_cases(container, world)
    Driver(container).open(world.anna, intake_form(world.town_a, first_name="Jana"))  # at consent: can move too
    deploy_v2(container, world.carla.id)
    _sign_in(page, "carla")
    page.goto("/prozesse/migration/client_journey")
    expect(page.locator("h1")).to_have_text("Laufende Fälle migrieren")
    expect(page.locator(".migration-summary")).to_contain_text("Version 1: 2 migrierbar, 1 nicht migrierbar")
    expect(page.locator("tr.blocked")).to_contain_text("„Überprüfung fällig“ wartet bereits")
    shot("migration-preview")
    boxes = page.locator("input[data-migratable]")
    expect(boxes).to_have_count(2)
    page.get_by_label("alle migrierbaren auswählen").check()
    for i in range(2):
        expect(boxes.nth(i)).to_be_checked()
    boxes.nth(0).uncheck()
    expect(page.locator("#select-migratable")).not_to_be_checked()
    boxes.nth(0).check()
    shot("migration-selected")
    page.get_by_role("button", name="Ausgewählte Fälle migrieren").click()
    expect(page.locator("h1")).to_have_text("Ergebnis der Migration auf Version 2")
    expect(page.locator("main")).to_contain_text("2 migriert, 0 übersprungen.")
    shot("migration-result")
    page.goto(f"/cases/{cases['early']}")
    expect(page.locator("#verlauf")).to_contain_text("Prozessversion gewechselt: Version 1 → 2")
    expect(page.locator("#ablaeufe")).to_contain_text("Version 2")
    assert js_errors == []


@pytest.mark.browser
def test_repair_page_marks_the_failed_element_and_resets(page, js_errors, shot, container, world):
    uow = container.uow()
    with uow:
        deploy_definition(uow, "client_journey", broken_schedule(SHIPPED), world.carla.id, "fehlerhaft")
        uow.commit()
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Fehler"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    with pytest.raises(WorkflowFailure):
        drive.complete(world.anna, case_id, target_agreement(), expect="Task_TargetAgreement")
    _sign_in(page, "carla")
    page.goto("/prozesse/migration/fehlerhafte-faelle")
    expect(page.locator("table.list")).to_contain_text("unbekanntes_datum")
    shot("errored-cases")
    # The message takes the width; names, dates and the action are not broken letter by letter (one line each).
    assert page.get_by_role("link", name="Reparieren").bounding_box()["height"] < 30
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    # On a phone the table scrolls in its own region; the page does not widen (its hidden header stays inside).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Reparieren").click()
    expect(page.locator("h1")).to_contain_text("Fall reparieren")
    expect(page.locator("[data-bpmn-diagram]")).to_have_attribute("data-bpmn-state", "ready")
    expect(page.locator('.djs-element.ifl-failed[data-element-id="Script_ScheduleFirstReview"]')).to_have_count(1)
    expect(page.locator('.djs-element.ifl-current[data-element-id="Task_TargetAgreement"]')).to_have_count(1)
    shot("repair-page")
    page.get_by_label("Aufgabe").select_option(label="Bedarfsanalyse")
    page.get_by_label("Grund").fill("Bedarfsanalyse um Gesundheit ergänzen")
    page.get_by_role("button", name="Zurücksetzen").click()
    expect(page.locator(".flash-success")).to_contain_text("zurückgesetzt")
    expect(page.locator("#verlauf")).to_contain_text("Fall zurückgesetzt: zurück zu „Bedarfsanalyse“")
    expect(page.locator("#aufgaben")).to_contain_text("Bedarfsanalyse")
    shot("case-after-reset")
    assert js_errors == []
