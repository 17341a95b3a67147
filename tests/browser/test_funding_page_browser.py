"""The district enters granted positions on the funding page and reads caseload per position."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from report_data import served_household
from support import PASSWORD


@pytest.mark.browser
def test_district_enters_positions_and_reads_caseload_per_position(page, js_errors, shot, container, world):
    served_household(container, world)
    page.goto("/login")
    page.fill("#username", "erik")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto("/team")
    page.get_by_role("link", name="Stellen und Fallzahlen im Förderzeitraum").click()
    form = page.locator("form[action$='/team/stellen']")
    form.locator("select[name=organisation]").select_option(label="Caritas Test")
    form.locator("select[name=municipality]").select_option(label="Astadt")
    form.locator("input[name=von]").fill("2026-01-01")
    form.locator("input[name=bis]").fill("2026-12-31")
    form.locator("input[name=vzae]").fill("1,5")
    form.get_by_role("button", name="Speichern").click()
    expect(page.locator(".flash")).to_contain_text("1,5 VZÄ für Caritas Test in Astadt")
    units = page.locator("#t-units").locator("xpath=..")
    expect(units).to_contain_text("Astadt")
    expect(units.locator("tr.total")).to_contain_text("1,5")
    shot("funding-page")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("funding-page-phone")
    assert js_errors == []
