"""A caseworker uploads the signed agreement's scan on the case page, sees it listed with the mandated step
satisfied, and downloads it again; the page is looked at on a desktop and a 390px phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from document_files import PDF, plain_zip
from journey import CONSENT, Driver
from support import PASSWORD, intake_form


@pytest.mark.browser
def test_caseworker_uploads_the_signed_agreement_scan_and_sees_the_step_satisfied(page, js_errors, shot, container,
                                                                                   world, tmp_path):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name="Dokumenta"))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    scan = tmp_path / "Zielvereinbarung unterschrieben.pdf"
    scan.write_bytes(PDF)
    fake = tmp_path / "Bescheid.pdf"
    fake.write_bytes(plain_zip())

    page.goto("/login")
    page.fill("#username", "anna")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"/cases/{case_id}#dokumente")
    section = page.locator("#dokumente")
    expect(section.get_by_text("Noch keine Dokumente.")).to_be_visible()

    section.get_by_text("Dokument hochladen").first.click()
    section.get_by_label("Kategorie").select_option(label="Bescheid")
    section.get_by_label("Datei").set_input_files(str(fake))
    section.get_by_role("button", name="Dokument hochladen").click()
    section = page.locator("#dokumente")
    expect(section.get_by_role("alert")).to_contain_text("Dieser Dateityp ist nicht erlaubt.")
    shot("document-refused")

    section.get_by_label("Kategorie").select_option(label="Unterschriebene Zielvereinbarung")
    section.get_by_label("Datum des Dokuments").fill("2026-01-14")
    section.get_by_label("Datei").set_input_files(str(scan))
    section.get_by_label("Notiz").fill("Original liegt in der Handakte")
    section.get_by_role("button", name="Dokument hochladen").click()

    expect(page.get_by_text("Das Dokument wurde gespeichert.")).to_be_visible()
    section = page.locator("#dokumente")
    row = section.locator("table.documents tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Unterschriebene Zielvereinbarung")
    expect(row).to_contain_text("14.01.2026")
    expect(row).to_contain_text("Original liegt in der Handakte")
    expect(row).to_contain_text("Anna Adler")
    expect(section.locator(".document-rules")).to_contain_text(
        "Pflichtschritt erfüllt: Unterschriebene Zielvereinbarung innerhalb der Frist nach Aufnahme")
    expect(page.locator("#verlauf")).to_contain_text("Dokument hochgeladen: Unterschriebene Zielvereinbarung")
    section.scroll_into_view_if_needed()
    shot("document-listed-desktop")

    with page.expect_download() as download:
        row.get_by_role("link", name="Zielvereinbarung unterschrieben.pdf").click()
    assert download.value.suggested_filename == "Zielvereinbarung unterschrieben.pdf"
    assert open(download.value.path(), "rb").read() == PDF

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/cases/{case_id}#dokumente")
    expect(page.locator("#dokumente table.documents")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    page.locator("#dokumente").scroll_into_view_if_needed()
    shot("document-listed-phone")
    assert [e for e in js_errors if "status of 422" not in e] == []  # the refused upload answers 422
