"""axe-core and the phone layout on every GET page each role can reach, generated from the URL map with demo data.

One browser, one signed-in context per role; each page is loaded once and checked at 1366×900 and again at
390×844 (the viewport changes, the page stays): axe-core (vendored for the tests, tests/browser/vendor) must
report nothing critical or serious, and at 390 px the document may not be wider than the viewport. A few page
states beyond plain GETs are checked too: a task form after a failed submit (error summary), the worklist tabs,
an unknown case (404) and the sign-in page. The numbers of moderate and minor findings are printed.
This module checks the caseworker, the supervisor and the privacy officer; test_accessibility_administration.py
the compliance and administration roles (two modules, so both test workers take a share).
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from axe_pages import DESKTOP, PHONE, USERS, check_page, check_role, focus_ring, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", ["caseworker", "supervisor", "privacy"])
def test_every_page_of_a_role_has_no_serious_axe_finding_and_fits_a_phone(chromium, demo_site, role):
    check_role(chromium, demo_site, role)


def test_the_sign_in_page_has_no_serious_axe_finding_and_fits_a_phone(chromium, demo_site):
    _app, _container, base_url = demo_site
    problems, tally = [], Counter()
    context = chromium.new_context(locale="de-DE", base_url=base_url, viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto("/login")
        check_page(page, "login", problems, tally)
        page.fill("input[name=username]", "niemand")
        page.fill("input[name=password]", "falsch")
        page.click("button[type=submit]")
        check_page(page, "login (Fehler)", problems, tally)
        page.goto("/barrierefreiheit")
        check_page(page, "Erklärung zur Barrierefreiheit", problems, tally)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_menu_worklist_task_and_saves_with_visible_focus(chromium, demo_site):
    """On a phone, by keyboard only: skip link, the folded menu (Enter opens, Escape closes and returns focus), a task
    from the worklist, and every focused control shows a visible focus ring."""
    _app, container, base_url = demo_site
    context = chromium.new_context(locale="de-DE", base_url=base_url, viewport=PHONE)
    try:
        page = sign_in(context, USERS["caseworker"])
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.className") == "skip"
        toggle = page.locator(".nav-toggle")
        assert toggle.is_visible() and not page.locator("#site-menu nav").is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true" and page.locator("#site-menu nav").is_visible()
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.textContent.trim()") == "Arbeitsliste"
        assert focus_ring(page) != "none"
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("() => document.activeElement.classList.contains('nav-toggle')")
        for _ in range(40):  # Tab on until the first task of the worklist
            page.keyboard.press("Tab")
            if "/tasks/" in (page.evaluate("() => document.activeElement.getAttribute('href')") or ""):
                break
        else:
            raise AssertionError("the worklist's first task is not reachable by Tab")
        assert focus_ring(page) != "none"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/tasks/.*"))
        submit = page.locator(".action-bar button[type=submit]")
        box = submit.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # sticky: on screen without scrolling
        assert box["height"] >= 44
    finally:
        context.close()
