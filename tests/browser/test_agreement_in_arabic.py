"""A caseworker sets the client's language to Arabic on the case page and prints the agreement in Arabic."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from report_data import served_household
from support import PASSWORD


def _sign_in(page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.browser
def test_caseworker_sets_arabic_and_prints_the_bilingual_agreement(page, js_errors, shot, container, world):
    _drive, case_id, _ = served_household(container, world)
    _sign_in(page, "anna")
    page.goto(f"/cases/{case_id}")
    page.select_option("#client-language", "ar")
    page.get_by_role("button", name="Sprache speichern").click()
    page.wait_for_url(f"**/cases/{case_id}*")
    expect(page.locator(".flash")).to_contain_text("Arabisch")
    first = page.locator(".agreement-print button").first
    expect(first).to_have_text("Zielvereinbarung auf Arabisch und Deutsch (PDF)")
    page.locator(".goal-translation-edit summary").first.click()
    page.locator(".goal-translation-edit textarea").first.fill("اجتياز امتحان اللغة B1")
    page.locator(".goal-translation-edit").first.get_by_role("button", name="Übersetzung speichern").click()
    page.wait_for_url(f"**/cases/{case_id}*")
    expect(page.locator("p.goal-translation").first).to_have_text("اجتياز امتحان اللغة B1")
    shot("case-page-arabic")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("case-page-arabic-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_response(lambda r: r.url.endswith(".pdf")) as pdf_response:
        page.locator(".agreement-print button").first.click()
    assert pdf_response.value.status == 200
    # Chromium shows the PDF in its viewer; the same URL fetched with the page's session gives the file itself.
    download = page.request.get(pdf_response.value.url)
    assert download.headers["content-type"] == "application/pdf"
    assert "_ar.pdf" in download.headers["content-disposition"]
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(download.body())).pages]
    letters = "".join(ch for ch in "".join(pages) if ch.isalpha())
    assert "خطةالاندماجواتفاقيةالأهداف" in letters          # Arabic first …
    assert "اجتيازامتحاناللغة" in letters                     # … with the caseworker's translation of the goal
    assert "Deutsche Fassung" in "".join(pages[1:])            # … and the German original after it
    assert js_errors == []
