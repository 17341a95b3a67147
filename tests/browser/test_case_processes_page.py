"""A caseworker starts the second shipped process on a case: its tasks reach the worklist, the case page shows both."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journey import CONSENT, Driver
from support import PASSWORD, intake_form


@pytest.mark.browser
def test_caseworker_starts_the_recognition_process_and_works_its_first_task(page, js_errors, container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Anerkennung"))
    drive.complete(world.anna, case_id, CONSENT, expect="consent")
    page.goto("/login")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    page.goto(f"/cases/{case_id}#ablaeufe")
    processes = page.locator("#ablaeufe")
    expect(processes.locator(".process-panel")).to_have_count(1)
    page.get_by_label("Weiteren Ablauf starten").select_option(label="Anerkennung ausländischer Berufsabschlüsse")
    page.get_by_role("button", name="Starten").click()
    expect(page.locator(".flash-success")).to_contain_text("Der Ablauf wurde gestartet")
    expect(processes.locator(".process-panel")).to_have_count(2)
    expect(processes).to_contain_text("Anerkennung ausländischer Berufsabschlüsse")
    # Both diagrams are drawn; the new process marks its first task as open.
    expect(processes.locator(".process-panel .djs-container")).to_have_count(2)
    expect(page.locator('#ablaeufe .process-panel').nth(1).locator('[data-element-id="Task_Advice"]')).to_be_visible()
    # The only startable process runs now: nothing is left to start, so the start form is gone.
    expect(page.locator("#start-process-key")).to_have_count(0)

    page.goto("/")
    row = page.locator("tr", has_text="Erstberatung zur Anerkennung")
    expect(row).to_contain_text("Anerkennung, Amina")
    expect(row.locator(".process-label")).to_have_text("Anerkennung ausländischer Berufsabschlüsse")
    row.get_by_role("link", name="Erstberatung zur Anerkennung").click()
    page.get_by_label("Datum der Beratung").fill("2026-01-20")
    page.get_by_label("Ausgeübter bzw. erlernter Beruf").fill("Krankenpflegerin")
    page.get_by_label("Land des Abschlusses").fill("Syrien")
    page.get_by_label("Beratung durch").select_option(label="IQ-Netzwerk / Anerkennungsberatung")
    page.get_by_label("Ja – Anerkennung ist Voraussetzung für die Berufsausübung").check()
    page.get_by_role("button", name="Erledigen").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto("/")
    expect(page.locator("tr", has_text="Unterlagen zusammenstellen")).to_contain_text("Anerkennung, Amina")
    page.goto(f"/cases/{case_id}")
    expect(page.locator("#ablaeufe")).to_contain_text("läuft")
    assert js_errors == []
