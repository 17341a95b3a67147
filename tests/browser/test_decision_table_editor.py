"""A team lead changes the review interval for one group in the table editor, tests it, deploys it, redeploys the
journey; a new case of that group gets its first review after the new interval."""
from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.db import Case, DecisionDefinition, Event
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import PASSWORD, intake_form


def _log_in(page: Page, username: str, name: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".topbar .who")).to_contain_text(name)


def _set_cell(page: Page, element_id: str, text: str) -> None:
    cell = page.locator(f"#dmn-editor td[data-element-id='{element_id}'] [contenteditable]").first
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.locator("#dmn-editor h3, #dmn-editor .decision-table-name").first.click()


def test_team_lead_changes_the_review_interval_for_one_group_tests_and_deploys(page, container, world, shot,
                                                                                js_errors):
    _log_in(page, "carla", "Carla Cramer")
    page.goto("/prozesse/")
    page.get_by_role("link", name="Entscheidungstabellen").click()
    expect(page.locator("h1")).to_have_text("Entscheidungstabellen")
    shot("tabellen-liste")
    page.locator("tr[data-table='review_interval']").get_by_role("link", name="Bearbeiten").click()
    editor = page.locator("#dmn-editor")
    expect(editor).to_have_attribute("data-ready", "true")
    _set_cell(page, "Out_FirstUkraine_Months", "2")
    _set_cell(page, "Out_FirstUkraine_Reason",
              '"2 Monate, weil Schutzsuchende aus der Ukraine anfangs enger begleitet werden"')
    shot("tabelle-bearbeitet")

    page.fill("input[data-test-field='review_phase']", "first")
    page.fill("input[data-test-field='residence_status']", "temporary_protection_ukraine")
    page.locator("#dmn-test").get_by_role("button", name="Testen").click()
    result = page.locator("#dmn-test-result")
    expect(result).to_contain_text("Regel 1 trifft zu")
    expect(result).to_contain_text("Monate bis zur Überprüfung (review_months) = 2")
    expect(editor.locator("td.ifl-matched").first).to_be_visible()
    page.locator("#dmn-check").click()
    expect(page.locator("#dmn-status")).to_have_text("Keine Fehler gefunden.")
    shot("tabelle-getestet")

    page.fill("#dmn-deploy textarea[name=comment]", "Ukraine: erste Überprüfung nach 2 Monaten")
    page.locator("#dmn-deploy").get_by_role("button", name="Als neue Version bereitstellen").click()
    expect(page.locator(".flash").first).to_contain_text("Version 2")
    page.get_by_role("button", name="Prozesse mit Version 2 bereitstellen").click()
    expect(page.locator("body")).to_contain_text("Neu bereitgestellt: client_journey v2")
    shot("prozesse-neu-bereitgestellt")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("tabelle-handy")

    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, residence_status="temporary_protection_ukraine"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, case_id, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, case_id, target_agreement(1), expect="Task_TargetAgreement")
    with container.reader() as r:
        assert r.session.get(Case, case_id).next_review_due.isoformat() == "2026-04-01"  # 01.02. + 2 months
        table = r.session.execute(select(DecisionDefinition).where(DecisionDefinition.version == 2)).scalar_one()
        assert table.comment == "Ukraine: erste Überprüfung nach 2 Monaten"
        last = r.session.execute(select(Event).where(Event.case_id == case_id, Event.kind == "decision_evaluated")
                                 .order_by(Event.id.desc()).limit(1)).scalar_one()
    assert (last.payload["decision"], last.payload["version"], last.payload["outputs"]["review_months"]) == \
        ("review_interval", 2, 2)
    page.goto(f"/cases/{case_id}")
    expect(page.locator(".decisions")).to_contain_text("Überprüfungsintervall: Regel 1 der Tabelle "
                                                       "Überprüfungsintervall v2: 2 Monate, weil")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot("fall-entscheidungen")
    assert js_errors == []
