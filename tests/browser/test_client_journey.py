"""A caseworker takes one client from intake to closure through the real UI in Chromium."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from engine.clock import BERLIN
from engine.db import Case, Event
from engine.time import sweep_timers
from support import PASSWORD

RECOGNISED_REFUGEE = "Anerkannter Flüchtling (§ 25 Abs. 2 AufenthG)"
GOAL = "B1-Prüfung bestehen"


def _log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".topbar .who")).to_contain_text("Anna Adler")


def _open_case(page: Page) -> str:
    """Fill the intake form and return the new case's id."""
    page.get_by_role("link", name="Neuer Fall").click()
    expect(page.locator("h1")).to_have_text("Neuer Fall – Erstaufnahme")
    page.fill("#field-first_name", "Amina")
    page.fill("#field-last_name", "Haddad")
    page.fill("input[name=birth_date]", "1990-03-04")
    page.select_option("#field-municipality_id", label="Astadt")
    page.fill("#field-accommodation_address", "Hauptstraße 1\n12345 Astadt")
    page.select_option("#field-residence_status", label=RECOGNISED_REFUGEE)
    page.fill("#field-residence_status_evidence", "Aufenthaltserlaubnis, Nr. 123")
    page.fill("input[name=au_since]", "2025-10-01")
    page.fill("input[name=counselling_start]", "2025-12-01")
    page.get_by_role("button", name="Fall anlegen").click()
    expect(page.locator(".flash-success")).to_contain_text("Der Fall wurde angelegt")
    expect(page.locator("h1")).to_have_text("Haddad, Amina")
    return re.search(r"/cases/([^/?#]+)$", page.url).group(1)


def _start_task(page: Page, title: str) -> None:
    page.locator("#aufgaben").get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)


def _finish_task(page: Page, title: str) -> None:
    page.get_by_role("button", name="Erledigen").click()
    expect(page.locator(".flash-success")).to_have_text(f"„{title}“ wurde erledigt.")


def _expect_diagram(page: Page, marker: str) -> None:
    diagram = page.locator('[data-bpmn-diagram][data-bpmn-state="ready"]')
    expect(diagram).to_be_visible()
    expect(diagram.locator(f".{marker}").first).to_be_attached()


def _consent(page: Page) -> None:
    page.get_by_label("Ja, die Einwilligung wurde erteilt").check()
    page.fill("input[name=consent_date]", "2026-01-15")
    page.get_by_label("Stammdaten und Beratung").check()
    page.get_by_label("Unterschriebene Einwilligung liegt vor").check()


def _assessment_without_summary(page: Page) -> None:
    page.fill("input[name=assessment_date]", "2026-01-20")
    page.fill('[name="language.situation"]', "A2-Kurs abgebrochen")
    page.fill('[name="language.needs"]', "B1-Kurs mit Kinderbetreuung")
    page.check('[name="language.support_needed"]')


def _target_agreement(page: Page) -> None:
    page.select_option("[name=goals-0-life_area]", label="Sprache")
    page.fill("[name=goals-0-title]", GOAL)
    page.fill("[name=goals-0-obligations]", "Kurs regelmäßig besuchen")
    page.fill("[name=goals-0-support]", "Anmeldung zum Kurs, Kita-Platz")
    page.fill("[name=goals-0-responsible]", "Klientin, IM")
    page.fill("[name=goals-0-due_date]", "2026-09-30")
    page.fill("input[name=plan_date]", "2026-02-01")
    page.get_by_label("Von Klient/in unterschrieben").check()
    page.get_by_label("Von Integrationsmanager/in unterschrieben").check()
    page.fill("input[name=signature_date]", "2026-02-01")


def _review(page: Page, date: str, status: str, next_step: str) -> None:
    expect(page.locator("[name=goals-0-title]")).to_have_value(GOAL)
    page.fill("input[name=review_date]", date)
    page.select_option("[name=goals-0-status]", label=status)
    page.fill("[name=review_summary]", f"Stand {status}, besprochen am {date}")
    page.get_by_label(next_step).check()


def _closure(page: Page) -> None:
    page.select_option("#field-closure_reason", label="Ziele erreicht")
    page.fill("input[name=closure_date]", "2026-08-15")
    page.get_by_label("Sprachzertifikat").check()
    page.select_option("[name=final_goals-0-final_status]", label="erreicht")
    page.fill("[name=final_goals-0-evaluation]", "B1 bestanden")
    page.fill("[name=final_summary]", "Sprachziel erreicht, Begleitung beendet")


def _review_comes_due(page: Page, container, moment: datetime) -> None:
    """Time passes and the scheduler's timer sweep runs: the review task appears by itself."""
    # The case page's own requests (the diagram) must be done before months pass, or they arrive after the jump.
    page.wait_for_load_state("networkidle")
    container.clock.set(moment)
    assert sweep_timers(container, "browser-test").fired == 1
    page.reload()
    # Months later the session has long timed out: the login form says so and leads back to the case.
    expect(page.locator(".flash-info")).to_contain_text("Ihre Sitzung ist")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".topbar .who")).to_contain_text("Anna Adler")
    expect(page.locator("#aufgaben")).to_be_visible()


@pytest.mark.browser
def test_caseworker_takes_client_from_intake_to_closure(page, js_errors, shot, container, world):
    _log_in(page, "anna")
    shot("arbeitsliste")
    case_id = _open_case(page)
    _expect_diagram(page, "ifl-current")
    shot("fall-angelegt")

    _start_task(page, "Einwilligung einholen")
    _consent(page)
    shot("einwilligung")
    _finish_task(page, "Einwilligung einholen")

    _start_task(page, "Bedarfsanalyse")
    _assessment_without_summary(page)
    page.get_by_role("button", name="Erledigen").click()
    expect(page.locator("#error-summary")).to_contain_text("Bitte korrigieren Sie die markierten Felder.")
    expect(page.locator("#assessment_summary-error")).to_have_text("Bitte füllen Sie dieses Feld aus.")
    expect(page.locator('[name="language.situation"]')).to_have_value("A2-Kurs abgebrochen")
    expect(page.locator("input[name=assessment_date]")).to_have_value("2026-01-20")
    shot("bedarfsanalyse-fehler")
    page.fill("[name=assessment_summary]", "Sprache vorrangig")
    _finish_task(page, "Bedarfsanalyse")

    _start_task(page, "Integrationsplan und Zielvereinbarung")
    _target_agreement(page)
    shot("zielvereinbarung")
    _finish_task(page, "Integrationsplan und Zielvereinbarung")
    expect(page.locator("#aufgaben")).to_contain_text("Keine offenen Aufgaben.")  # until the review comes due
    expect(page.locator(".summary")).to_contain_text("01.05.2026")
    shot("plan-vereinbart")

    _review_comes_due(page, container, datetime(2026, 5, 1, 8, 0, tzinfo=BERLIN))
    _start_task(page, "Fortschreibung des Integrationsplans")
    _review(page, "2026-05-01", "teilweise erreicht", "Weiter begleiten")
    shot("fortschreibung-1")
    _finish_task(page, "Fortschreibung des Integrationsplans")
    expect(page.locator(".summary")).to_contain_text("01.08.2026")  # next review three months on

    _review_comes_due(page, container, datetime(2026, 8, 1, 8, 0, tzinfo=BERLIN))
    expect(page.locator("#aufgaben")).to_contain_text("fällig 01.08.2026")
    _start_task(page, "Fortschreibung des Integrationsplans")
    _review(page, "2026-08-01", "erreicht", "Fall abschließen")
    shot("fortschreibung-2")
    _finish_task(page, "Fortschreibung des Integrationsplans")

    _start_task(page, "Abschluss")
    _closure(page)
    shot("abschluss")
    _finish_task(page, "Abschluss")

    expect(page.locator(".page-head .chip").first).to_have_text("Abgeschlossen")
    expect(page.locator("#aufgaben")).to_contain_text("Keine offenen Aufgaben.")
    goal_row = page.locator("#plan tbody tr").filter(has_text=GOAL)
    expect(goal_row.locator(".chip")).to_have_text("erreicht")
    expect(page.locator("#verlauf")).to_contain_text("Fall abgeschlossen")
    _expect_diagram(page, "ifl-done")
    shot("fall-abgeschlossen")
    assert [e for e in js_errors if "status of 422" not in e] == []  # 422 is the invalid submission above

    with container.reader() as r:
        status = r.session.get(Case, case_id).status
        completed = r.session.execute(select(func.count()).select_from(Event).where(
            Event.case_id == case_id, Event.kind == "task_completed")).scalar_one()
    # intake, consent, assessment, target agreement, two reviews, closure
    assert (status, completed) == ("closed", 7)
