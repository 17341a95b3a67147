"""Exports of the state report open in their readers: CSV parsed, XLSX read back, PDF text extracted."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.errors import InvalidInput
from engine.reporting import export_report, state_report
from report_data import served_household


@pytest.fixture
def report(container, world):
    """The 2026 report over one served household, as the compliance officer sees it."""
    served_household(container, world)
    with container.reader() as r:
        return state_report(r, world.erik, {"year": "2026"})


def _empty(container, world):
    with container.reader() as r:
        return state_report(r, world.erik, {"year": "2025"})


def test_csv_parses_with_one_figure_per_line_stamped_with_as_of_and_rule_version(report):
    exported = export_report(report, "csv")
    assert exported.filename.startswith("Landesbericht_2026_Stand_") and exported.mimetype.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    persons = [r for r in rows if r["Kennzahl"].startswith("Betreute Personen") and r["Kommune"] == "Astadt"]
    assert [r["Wert"] for r in persons] == ["3"]
    goals = [r for r in rows if r["Tabelle"].startswith("Ziele") and r["Organisation"] == "Gesamt"
             and r["Kennzahl"] == "teilweise erreicht"]
    assert [(r["Merkmal"], r["Wert"]) for r in goals] == [("Sprache", "2")]
    assert {r["Regelversion"] for r in rows} == {"Pflichtschritt-Regeln Version 1"}
    assert {r["Stand"] for r in rows} == {report.params.as_of_local.isoformat()}


def test_xlsx_reads_back_with_a_sheet_per_table(report):
    book = load_workbook(io.BytesIO(export_report(report, "xlsx").content))
    assert book.sheetnames == ["Kennzahlen", "Ziele", "Wirkungen", "Abschlussgründe", "Vermittlungen"]
    sheet = book["Kennzahlen"]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    meta = {row[0]: row[1] for row in cells[1:6]}
    assert meta["Regelversion"] == "Pflichtschritt-Regeln Version 1"
    assert meta["Stand"].startswith(report.params.as_of_local.strftime("%d.%m.%Y %H:%M:%S"))
    header = next(i for i, row in enumerate(cells) if row[0] == "Organisation")
    astadt = next(row for row in cells[header:] if row[1] == "Astadt")
    persons = cells[header].index("Betreute Personen (inkl. Haushaltsangehörige)")
    assert (astadt[0], astadt[persons]) == ("Caritas Test", 3)


def test_pdf_text_shows_figures_as_of_time_and_rule_version(report):
    exported = export_report(report, "pdf")
    assert exported.content.startswith(b"%PDF")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(exported.content)).pages)
    assert "Landesbericht Integrationsmanagement" in text
    assert "Pflichtschritt-Regeln Version 1" in text
    assert report.params.as_of_local.strftime("%d.%m.%Y %H:%M:%S") in text
    assert "Astadt" in text and "Ziele nach Handlungsfeld und Status" in text


@pytest.mark.parametrize("fmt", ["csv", "pdf"])
def test_empty_report_exports_say_no_data(container, world, fmt):
    content = export_report(_empty(container, world), fmt).content
    text = (content.decode("utf-8-sig") if fmt == "csv"
            else "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))
    assert "Keine Daten" in text


def test_empty_report_xlsx_says_no_data(container, world):
    book = load_workbook(io.BytesIO(export_report(_empty(container, world), "xlsx").content))
    assert ("Hinweis", ) == tuple(c for c in next(r for r in book["Kennzahlen"].iter_rows(values_only=True)
                                                  if r[0] == "Hinweis")[:1])


def test_unknown_format_is_refused(report):
    with pytest.raises(InvalidInput):
        export_report(report, "docx")
