"""The funding-period page: positions entered by the district, figures per scope, stamped downloads."""
from __future__ import annotations

import csv
import html
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.db import FundedPosition
from report_data import served_household
from support import rows


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def served(container, world):
    """One served household in Astadt (organisation A); returns its case id."""
    return served_household(container, world)[1]


def _grant(client, world, town, fte="1,5", **extra):
    org = world.org_a if town == world.town_a else world.org_b
    return client.post("/team/stellen", data={"organisation": org, "municipality": town, "von": "2026-01-01",
                                              "bis": "2026-12-31", "vzae": fte, **extra})


def test_district_enters_positions_and_sees_caseload_per_position(signed_in, world, served):
    client = signed_in("erik")
    response = _grant(client, world, world.town_a, note="Bescheid vom 12.12.2025")
    assert response.status_code == 302 and "von=2026-01-01" in response.headers["Location"]
    _grant(client, world, world.town_b, fte="0,5")
    page = _text(client.get(response.headers["Location"]))
    assert "Gespeichert: 1,5 VZÄ für Caritas Test in Astadt (01.01.2026 – 31.12.2026)." in page
    assert "Stellen und Fallzahlen je Kommune und Organisation" in page and "Bdorf" in page
    assert "Anna Adler" in page and "Bescheid vom 12.12.2025" in page
    assert "Bewilligte Stellen eintragen" in page


def test_team_lead_sees_own_organisation_only_and_cannot_enter_positions(signed_in, world, container, served):
    _grant(signed_in("erik"), world, world.town_b, fte="2")
    client = signed_in("carla")
    page = _text(client.get("/team/foerderung?von=2026-01-01&bis=2026-12-31"))
    assert "Astadt" in page and "Bdorf" not in page and "DRK Test" not in page
    assert "Bewilligte Stellen eintragen" not in page
    assert _grant(client, world, world.town_a).status_code == 403
    assert [p.municipality_id for p in rows(container, FundedPosition)] == [world.town_b]


def test_caseworker_has_no_funding_page(signed_in, served):
    client = signed_in("anna")
    assert client.get("/team/foerderung").status_code == 403
    assert client.get("/team/foerderung.csv").status_code == 403


def test_invalid_inputs_show_german_messages_on_the_page(signed_in, world, container):
    client = signed_in("erik")
    response = _grant(client, world, world.town_a, fte="viel")
    assert response.status_code == 422 and "Bitte eine Zahl angeben, z. B. 1,5." in _text(response)
    assert rows(container, FundedPosition) == []
    response = client.get("/team/foerderung?von=2026-12-31&bis=2026-01-01")
    assert response.status_code == 422 and "Das Ende liegt vor dem Beginn." in _text(response)
    response = client.get("/team/foerderung?von=kaputt")
    assert response.status_code == 422 and "Der Beginn ist ungültig." in _text(response)
    assert client.get("/team/foerderung.doc?von=2026-01-01&bis=2026-12-31").status_code == 422


def test_downloads_open_and_carry_the_period_and_stamp(signed_in, world, served):
    client = signed_in("erik")
    _grant(client, world, world.town_a, fte="2")
    query = "?von=2026-01-01&bis=2026-12-31"
    csv_file = client.get(f"/team/foerderung.csv{query}")
    assert "attachment" in csv_file.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(csv_file.get_data().decode("utf-8-sig")), delimiter=";"))
    figures = {(r[1], r[2], r[4]): r[5] for r in lines[1:]}
    assert figures[("Caritas Test", "Astadt", "Betreute Fälle je VZÄ")] == "0,5"
    book = load_workbook(io.BytesIO(client.get(f"/team/foerderung.xlsx{query}").get_data()))
    assert book["Stellen und Fallzahlen"]["B2"].value == "01.01.2026 – 31.12.2026"
    pdf = PdfReader(io.BytesIO(client.get(f"/team/foerderung.pdf{query}").get_data()))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Verwendungsnachweis" in text and "Regelversion" in text and "Protokollstand" in text
