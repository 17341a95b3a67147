"""A caseworker refers a client to the Jobcenter with a follow-up, sets an appointment, and finds it in her week."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from network_data import consented_case, partners
from support import PASSWORD

PHONE = {"width": 390, "height": 844}


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.browser
def test_caseworker_records_referral_and_appointment_then_sees_it_in_her_week(page, js_errors, shot, container,
                                                                               world):
    partners(container, world)
    case_id = consented_case(container, world)
    _sign_in(page, "anna")
    page.goto(f"/cases/{case_id}")
    expect(page.locator(".summary")).to_contain_text("Nächster Termin")

    page.locator("#vermittlungen summary", has_text="Vermittlung dokumentieren").click()
    page.select_option("#vermittlung-partner_id", label="Jobcenter Testkreis (Jobcenter)")
    page.fill("#vermittlung-reason", "Anmeldung zur Arbeitsvermittlung, Lebenslauf liegt vor")
    page.fill("#vermittlung-follow_up_on", "2026-01-29")
    shot("referral-form")
    page.get_by_role("button", name="Vermittlung speichern").click()
    page.wait_for_url(f"**/cases/{case_id}#vermittlungen")
    expect(page.locator("#vermittlungen table")).to_contain_text("Jobcenter Testkreis")
    expect(page.locator("#vermittlungen table")).to_contain_text("29.01.2026")

    page.locator("#termine summary", has_text="Termin vereinbaren").click()
    page.get_by_role("button", name="Termin speichern").click()            # no time: a German message, no loss
    expect(page.locator("#termin-start_time-error")).to_contain_text("Pflichtangabe")
    page.fill("#termin-day", "2026-01-16")
    page.fill("#termin-start_time", "10:00")
    page.fill("#termin-place", "Rathaus Astadt, Zimmer 12")
    page.check("#termin-interpreter_needed")
    page.fill("#termin-interpreter_language", "Arabisch")
    page.get_by_role("button", name="Termin speichern").click()
    page.wait_for_url(f"**/cases/{case_id}#termine")
    expect(page.locator(".summary")).to_contain_text("16.01.2026, 10:00 Uhr")
    expect(page.locator("#termine")).to_contain_text("Dolmetschung: Arabisch")
    expect(page.locator("#verlauf")).to_contain_text("Termin vereinbart")
    expect(page.locator("#verlauf")).to_contain_text("Vermittlung an Partner dokumentiert")
    shot("case-page-desktop")

    page.get_by_role("link", name="Meine Woche").click()
    expect(page.locator("h1")).to_have_text("Meine Woche")
    friday = page.locator(".week-day").nth(4)
    expect(friday).to_contain_text("10:00")
    expect(friday).to_contain_text("Haddad, Amina")
    expect(friday).to_contain_text("Rathaus Astadt, Zimmer 12")
    shot("week-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(friday).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]   # no sideways scrolling
    shot("week-phone")
    page.goto(f"/cases/{case_id}#termine")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("case-page-phone")
    # The deliberately incomplete appointment answers 422, which Chromium logs; nothing else may appear.
    assert [e for e in js_errors if "status of 422" not in e] == []


@pytest.mark.browser
def test_team_lead_adds_a_partner_to_the_directory(page, js_errors, shot, container, world):
    partners(container, world)
    _sign_in(page, "carla")
    page.get_by_role("link", name="Partner", exact=True).click()
    expect(page.locator("h1")).to_have_text("Netzwerkpartner")
    page.get_by_role("link", name="Partner anlegen").click()
    page.select_option("#partner-kind", label="Migrationsberatung (MBE)")
    page.fill("#partner-name", "Migrationsberatung Astadt")
    page.fill("#partner-contact_person", "Frau Rossi")
    page.fill("#partner-phone", "07361 555-330")
    page.fill("#partner-email", "rossi@mbe.example")
    page.select_option("#partner-municipality_id", label="Astadt")
    shot("partner-form")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("table.list")).to_contain_text("Migrationsberatung Astadt")
    expect(page.locator("table.list")).to_contain_text("Jobcenter Testkreis")     # the district's shared entry
    expect(page.locator("table.list")).not_to_contain_text("MBE Bdorf")           # another organisation's
    shot("partner-directory-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("partner-directory-phone")
    assert js_errors == []
