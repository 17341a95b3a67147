"""A caseworker's day on one case (issue 18): she uploads the signed agreement's scan, refers the client to the
Jobcenter with a follow-up, sets the next appointment, and prints the agreement in Arabic; the PDF's first pages
are rendered with pdftoppm for a person to look at, and the Arabic font must be embedded."""
from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from document_files import PDF
from network_data import partners
from report_data import served_household
from support import PASSWORD


@pytest.mark.browser
def test_caseworker_uploads_refers_sets_appointment_and_prints_in_arabic(page, js_errors, shot, container, world,
                                                                          tmp_path):
    partners(container, world)
    _drive, case_id, _ = served_household(container, world)
    today = container.clock.today()
    follow_up, meeting = today + timedelta(days=14), today + timedelta(days=3)
    scan = tmp_path / "Zielvereinbarung unterschrieben.pdf"
    scan.write_bytes(PDF)

    page.goto("/login")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"/cases/{case_id}#dokumente")

    section = page.locator("#dokumente")
    section.get_by_text("Dokument hochladen").first.click()
    section.get_by_label("Kategorie").select_option(label="Unterschriebene Zielvereinbarung")
    section.get_by_label("Datei").set_input_files(str(scan))
    section.get_by_role("button", name="Dokument hochladen").click()
    expect(page.get_by_text("Das Dokument wurde gespeichert.")).to_be_visible()
    expect(page.locator("#dokumente table.documents tbody tr")).to_contain_text("Unterschriebene Zielvereinbarung")

    page.locator("#vermittlungen summary", has_text="Vermittlung dokumentieren").click()
    page.select_option("#vermittlung-partner_id", label="Jobcenter Testkreis (Jobcenter)")
    page.fill("#vermittlung-reason", "Anmeldung zur Arbeitsvermittlung")
    page.fill("#vermittlung-follow_up_on", follow_up.isoformat())
    page.get_by_role("button", name="Vermittlung speichern").click()
    page.wait_for_url(f"**/cases/{case_id}#vermittlungen")
    expect(page.locator("#vermittlungen table")).to_contain_text(f"{follow_up:%d.%m.%Y}")

    page.locator("#termine summary", has_text="Termin vereinbaren").click()
    page.fill("#termin-day", meeting.isoformat())
    page.fill("#termin-start_time", "09:30")
    page.fill("#termin-place", "Rathaus Astadt, Zimmer 12")
    page.get_by_role("button", name="Termin speichern").click()
    page.wait_for_url(f"**/cases/{case_id}#termine")
    expect(page.locator(".summary")).to_contain_text(f"{meeting:%d.%m.%Y}, 09:30 Uhr")

    page.select_option("#client-language", "ar")
    page.get_by_role("button", name="Sprache speichern").click()
    page.wait_for_url(f"**/cases/{case_id}*")
    timeline = page.locator("#verlauf")
    for entry in ("Dokument hochgeladen", "Vermittlung an Partner dokumentiert", "Termin vereinbart"):
        expect(timeline).to_contain_text(entry)
    shot("caseworker-day-case-page")

    with page.expect_response(lambda r: r.url.endswith(".pdf")) as pdf_response:
        page.locator(".agreement-print button").first.click()
    assert pdf_response.value.status == 200
    body = page.request.get(pdf_response.value.url).body()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "خطةالاندماجواتفاقيةالأهداف" in "".join(ch for ch in text if ch.isalpha())
    assert "Deutsche Fassung" in text
    pdf = tmp_path / "agreement_ar.pdf"
    pdf.write_bytes(body)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Naskh-Arabic" in fonts or "Noto-Sans-Arabic" in fonts, fonts   # shaped by a real Arabic font
    # The first page as a picture beside the screenshots, for a person to check shaping and direction.
    folder = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser" / container.engine.dialect.name
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                    str(folder / "caseworker-day-agreement-ar")], check=True)
    assert js_errors == []
