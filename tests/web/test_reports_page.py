"""The Berichte page and its downloads through the real app; the Zielvereinbarung button and timeline link."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.db import EligiblePersons, Event, TargetAgreementDocument
from report_data import served_household
from support import count_rows, rows


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def served(container, world):
    """One served household in Astadt (organisation A); returns its case id."""
    return served_household(container, world)[1]


@pytest.mark.parametrize("user, sees_bdorf", [("erik", True), ("carla", False)])
def test_report_page_shows_figures_for_the_users_scope(signed_in, served, user, sees_bdorf):
    response = signed_in(user).get("/berichte?year=2026&quarter=1")
    page = _text(response)
    assert response.status_code == 200
    assert "Landesbericht" in page and "1. Quartal 2026" in page and "Pflichtschritt-Regeln Version 1" in page
    row = re.search(r'<tr class="unit">\s*<td>Caritas Test</td><td>Astadt</td>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)[:3] == ["1", "3", "1"]
    assert ("Bdorf" in page) is sees_bdorf


def test_caseworkers_get_no_report_and_no_nav_link(signed_in, served):
    client = signed_in("anna")
    assert client.get("/berichte").status_code == 403
    assert 'href="/berichte"' not in _text(client.get("/"))
    assert 'href="/berichte"' in _text(signed_in("carla").get("/"))


def test_empty_period_says_no_data(signed_in, world):
    response = signed_in("erik").get("/berichte?year=2025")
    assert response.status_code == 200
    assert "Keine Daten: Für diesen Zeitraum und diese Auswahl" in _text(response)


@pytest.mark.parametrize("query, message", [
    ("year=abc", "Das Jahr ist ungültig."), ("year=2026&quarter=7", "Das Quartal muss zwischen 1 und 4 liegen."),
    ("as_of=2030-01-01", "Der Stichtag darf nicht in der Zukunft liegen."),
    ("municipality=999", "Die Kommune ist ungültig."),
])
def test_bad_parameters_show_the_form_with_a_german_message(signed_in, world, query, message):
    response = signed_in("erik").get(f"/berichte?{query}")
    assert response.status_code == 422
    page = _text(response)
    assert message in page and '<form method="get" class="filters"' in page


def test_downloads_carry_the_exact_as_of_time_and_open_in_their_readers(signed_in, served, clock):
    client = signed_in("erik")
    page = _text(client.get("/berichte?year=2026"))
    links = dict(re.findall(r'href="(/berichte/export\.(csv|xlsx|pdf)\?[^"]+)"', page))
    links = {fmt: link for link, fmt in links.items()}
    assert set(links) == {"csv", "xlsx", "pdf"}
    clock.advance(hours=2)          # later downloads still give the figures shown on the page
    responses = {fmt: client.get(link) for fmt, link in links.items()}
    assert all(r.status_code == 200 for r in responses.values())
    assert "attachment" in responses["csv"].headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(responses["csv"].get_data().decode("utf-8-sig")), delimiter=";"))
    assert any(r["Kommune"] == "Astadt" and r["Kennzahl"].startswith("Betreute Personen") and r["Wert"] == "3"
               for r in table)
    book = load_workbook(io.BytesIO(responses["xlsx"].get_data()))
    assert book.sheetnames[0] == "Kennzahlen"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(responses["pdf"].get_data())).pages)
    stand = re.search(r"Stand: (\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d)", page).group(1)
    assert stand in text and "Astadt" in text


def test_unknown_export_format_is_refused(signed_in, served):
    assert signed_in("erik").get("/berichte/export.docx?year=2026").status_code == 422


def test_compliance_records_eligible_persons_and_sees_coverage(signed_in, container, world, served):
    client = signed_in("erik")
    response = client.post("/berichte/berechtigte", data={"municipality": str(world.town_a), "year": "2026",
                                                          "quarter": "0", "persons": "6"})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Gespeichert: 6 förderberechtigte Personen in Astadt (Jahr 2026)." in page
    row = re.search(r'<tr class="unit">\s*<td>Caritas Test</td><td>Astadt</td>(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)[3:5] == ["6", "50,0"]
    assert count_rows(container, Event, kind="eligible_persons_recorded") == 1


@pytest.mark.parametrize("user, data, status", [
    ("carla", {"municipality": "1", "year": "2026", "persons": "5"}, 403),
    ("erik", {"municipality": "1", "year": "2026", "persons": "-3"}, 422),
    ("erik", {"municipality": "1", "year": "2026"}, 422),
    ("erik", {"municipality": "999", "year": "2026", "persons": "3"}, 422),
])
def test_eligible_persons_input_is_checked(signed_in, container, world, user, data, status):
    response = signed_in(user).post("/berichte/berechtigte", data=data)
    assert response.status_code == status
    assert count_rows(container, EligiblePersons) == 0


def test_case_page_button_prints_a_version_linked_from_the_timeline(signed_in, container, served):
    client = signed_in("anna")
    assert "Zielvereinbarung als PDF" in _text(client.get(f"/cases/{served}"))
    response = client.post(f"/cases/{served}/zielvereinbarung")
    assert response.status_code == 302 and response.headers["Location"].endswith("/zielvereinbarung/1.pdf")
    pdf = client.get(response.headers["Location"])
    assert pdf.mimetype == "application/pdf"
    assert "In einfacher Sprache" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert pdf.get_data() == rows(container, TargetAgreementDocument)[0].pdf
    page = _text(client.get(f"/cases/{served}"))
    assert f'href="/cases/{served}/zielvereinbarung/1.pdf">Fassung 1 (PDF)</a>' in page
    assert "Zielvereinbarung als PDF erstellt" in page


def test_other_organisation_cannot_print_or_download(signed_in, served):
    signed_in("anna").post(f"/cases/{served}/zielvereinbarung")
    client = signed_in("dora")
    assert client.post(f"/cases/{served}/zielvereinbarung").status_code == 404
    assert client.get(f"/cases/{served}/zielvereinbarung/1.pdf").status_code == 404
    assert signed_in("erik").get(f"/cases/{served}/zielvereinbarung/1.pdf").status_code == 200
