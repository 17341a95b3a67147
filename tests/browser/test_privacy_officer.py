"""The data-protection officer looks up who viewed a case, including another organisation's refused attempt."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.access import hash_password
from engine.db import Case, User
from journey import CONSENT, Driver
from support import PASSWORD, intake_form


def _sign_in(page, username: str) -> None:
    # The case page still fetching its diagram would answer with the old session's cookie after it was cleared,
    # replacing the sign-in page's session and with it the form's CSRF token (seen once in CI: POST /login 400).
    page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(lambda url: "/login" not in url)  # signed in: the next request carries the new session
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.browser
def test_officer_finds_the_views_and_the_refused_attempt_of_a_case(page, js_errors, shot, container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Protokoll"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    with container.uow() as uow:
        uow.session.add(User(username="datenschutz", display_name="Lea Wagner", role="privacy",
                             organisation_id=world.erik.organisation_id, password_hash=hash_password(PASSWORD),
                             active=True, created_at=container.clock.now()))
        reference = uow.session.get(Case, case_id).reference
        uow.commit()

    _sign_in(page, "anna")
    page.goto(f"/cases/{case_id}")
    expect(page.locator("h1")).to_contain_text("Protokoll, Amina")
    _sign_in(page, "dora")  # another organisation: the case does not exist for her
    response = page.goto(f"/cases/{case_id}")
    assert response.status == 404
    js_errors.clear()  # the browser reports the expected 404 as a console error

    _sign_in(page, "datenschutz")
    page.get_by_role("link", name="Zugriffsprotokoll").click()
    expect(page.locator("h1")).to_have_text("Zugriffsprotokoll")
    page.get_by_label("Aktenzeichen").fill(reference)
    page.get_by_role("button", name="Filtern").click()
    expect(page.locator("p.muted", has_text="Einträge")).to_have_text("2 Einträge")
    rows = page.locator("table.access-log tbody tr")
    expect(rows.nth(0)).to_contain_text("Dora Dietz (dora)")
    expect(rows.nth(0)).to_contain_text("nicht gefunden / fremd")
    expect(rows.nth(1)).to_contain_text("Anna Adler (anna)")
    expect(rows.nth(1)).to_contain_text("Fallseite angesehen")
    shot("zugriffsprotokoll")

    rows.nth(1).get_by_role("link", name=reference).click()  # the officer's own view is logged as well
    expect(page.locator("#datenschutz")).to_contain_text("Stammdaten und Beratung")
    expect(page.get_by_role("link", name="Auskunft (Art. 15) als PDF")).to_be_visible()
    expect(page.get_by_role("link", name="Personendaten berichtigen")).to_have_count(0)
    shot("fall-datenschutz")
    page.get_by_role("link", name="Zugriffsprotokoll dieses Falls").click()
    expect(page.locator("p.muted", has_text="Einträge")).to_have_text("3 Einträge")
    expect(rows.nth(0)).to_contain_text("Lea Wagner (datenschutz)")
    assert js_errors == []
