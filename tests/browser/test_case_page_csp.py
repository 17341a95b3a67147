"""The case page's BPMN diagram renders under the strict Content-Security-Policy without any violation."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journey import CONSENT, Driver
from support import PASSWORD, intake_form
from web.security import CONTENT_SECURITY_POLICY


@pytest.mark.browser
def test_case_diagram_renders_under_the_csp_without_violations(page, js_errors, shot, container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Richtlinie"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    violations: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text))

    page.goto("/login")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    response = page.goto(f"/cases/{case_id}")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY

    diagram = page.locator("[data-bpmn-diagram]")
    diagram.scroll_into_view_if_needed()
    expect(diagram.locator("svg [data-element-id='Task_Consent']").first).to_be_visible()
    expect(diagram.locator(".ifl-done").first).to_be_attached()  # the completed consent step is highlighted
    expect(diagram.locator(".diagram-error")).to_have_count(0)
    shot("case-diagram-under-csp")
    assert violations == []
    assert js_errors == []
