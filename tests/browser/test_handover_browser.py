"""A team lead hands a case over with a note; the receiving caseworker finds it in her inbox and reads the note."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journey import CONSENT, Driver
from support import PASSWORD, intake_form

NOTE = "Bitte Termine vormittags; der B1-Kurs läuft bis März."


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.browser
def test_supervisor_hands_over_and_receiver_sees_case_with_note(page, js_errors, shot, container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Übergabe"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    _sign_in(page, "carla")
    page.goto(f"/cases/{case_id}")
    page.get_by_role("link", name="Fall übergeben").click()
    expect(page.locator("h1")).to_have_text("Fall übergeben")
    page.get_by_role("button", name="Fall übergeben").click()           # nothing chosen: German errors, no loss
    expect(page.locator(".error-message").first).to_be_visible()
    page.select_option("#to_user_id", label="Dora Dietz (DRK Test)")
    page.fill("#note", NOTE)
    shot("handover-form")
    page.get_by_role("button", name="Fall übergeben").click()
    page.wait_for_url(f"**/cases/{case_id}*")
    expect(page.locator(".read-only-banner")).to_contain_text("Nur Lesezugriff bis 14.02.2026")
    expect(page.locator("#notizen textarea")).to_have_count(0)
    shot("previous-organisation-read-only")
    page.get_by_role("button", name="Abmelden").click()

    _sign_in(page, "dora")
    page.locator("a.bell").click()
    page.get_by_role("button", name=f"Fallübergabe: Fall {page.locator('td.nowrap').first.inner_text()} "
                                    f"an Sie übergeben – {NOTE}").click()
    page.wait_for_url(f"**/cases/{case_id}")
    expect(page.locator(".handover-note")).to_contain_text(NOTE)
    expect(page.locator("#verlauf")).to_contain_text("Fall übergeben")
    expect(page.locator("#verlauf")).to_contain_text("Einwilligung dokumentiert")
    shot("receiver-case-page")
    # The deliberately empty first submission answers 422, which Chromium logs; nothing else may appear.
    assert [e for e in js_errors if "status of 422" not in e] == []
