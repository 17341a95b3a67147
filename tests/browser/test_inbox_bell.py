"""Time passes, the scheduler's passes run, and the caseworker's bell shows it; the inbox opens the case."""
from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from engine.clock import BERLIN
from engine.time import run_reminder_pass, sweep_timers
from journey import Driver
from support import PASSWORD, intake_form


@pytest.mark.browser
def test_bell_count_rises_after_the_sweep_and_the_inbox_opens_the_case(page, js_errors, container, world):
    case_id = Driver(container).to_review(world.anna, intake_form(world.town_a, last_name="Glocke"))
    page.goto("/login")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    bell = page.locator("a.bell")
    expect(bell).to_have_attribute("aria-label", "Benachrichtigungen")  # nothing unread yet

    page.wait_for_load_state("networkidle")  # nothing of this page may arrive after the jump
    container.clock.set(datetime(2026, 5, 1, 8, 0, tzinfo=BERLIN))  # the review comes due
    assert sweep_timers(container, "browser").fired == 1
    assert run_reminder_pass(container) >= 1
    page.reload()  # months later the session has timed out: sign in again
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Benachrichtigungen (1 ungelesen)")

    bell.click()
    expect(page.locator("h1")).to_contain_text("Benachrichtigungen")
    page.get_by_role("button", name="Fortschreibung des Integrationsplans fällig am 01.05.2026 – Glocke, Amina").click()
    page.wait_for_url(f"**/cases/{case_id}")
    expect(page.locator("#aufgaben")).to_contain_text("Fortschreibung des Integrationsplans")
    expect(bell).to_have_attribute("aria-label", "Benachrichtigungen")  # read now
    assert js_errors == []
