"""The funding-period report laid out as tables, and its CSV, XLSX and PDF files (stamped like the state report)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from engine.errors import InvalidInput

from .exports import ExportFile
from .funding_figures import FundingReport, FundingUnit
from .labels import CLOSURES
from .rendering import render_pdf

UNIT_HEADERS = ("VZÄ (bewilligt, Ø im Zeitraum)", "Betreute Fälle", "Aktive Fälle am Ende", "Neuaufnahmen",
                "Abschlüsse", "Beratungskontakte", "Beratungsstunden", "Betreute Fälle je VZÄ",
                "Beratungsstunden je VZÄ")
DEFINITIONS = [
    "VZÄ: vom Land bewilligte Vollzeitäquivalente je Organisation und Kommune; ändert sich die Bewilligung im "
    "Zeitraum, zählt jede mit ihrem Anteil an den Tagen des Zeitraums.",
    "Betreute Fälle: Einwilligung bis Zeitraumende dokumentiert, nicht vor Zeitraumbeginn abgeschlossen "
    "(wie im Landesbericht). Aktive Fälle am Ende: am letzten Tag des Zeitraums in Beratung.",
    "Beratungsstunden: Dauer der im Zeitraum geführten Kontakte; bei den Integrationsmanager/innen nach der "
    "Person, die den Kontakt dokumentiert hat, Fälle nach der heute zuständigen Person.",
]
SUM_FILL = PatternFill("solid", fgColor="EEF2F7")


@dataclass(frozen=True)
class FundingTable:
    """One table: key, title, label and value headings, rows of (kind, labels, values)."""

    key: str
    title: str
    label_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    rows: list[tuple[str, tuple, tuple]]


def _unit_values(u: FundingUnit) -> tuple:
    return (float(u.fte), u.cases_served, u.active_at_end, u.new_cases, u.closures_total, u.sessions,
            u.session_hours, u.cases_per_fte, u.hours_per_fte)


def funding_tables(report: FundingReport) -> list[FundingTable]:
    """The report's tables in one layout shared by the page and every file."""
    units = []
    for org in report.organisations:
        units += [("unit", (u.organisation, u.municipality), _unit_values(u))
                  for u in report.units if u.organisation_id == org.organisation_id]
        units.append(("subtotal", (org.organisation, "Summe"), _unit_values(org)))
    units.append(("total", ("Gesamt", ""), _unit_values(report.total)))
    closures = [("unit", (u.organisation, u.municipality, CLOSURES.get(reason, reason)), (n,))
                for u in report.units for reason, n in sorted(u.closures.items())]
    closures += [("total", ("Gesamt", "", CLOSURES.get(reason, reason)), (n,))
                 for reason, n in sorted(report.total.closures.items())]
    people = [("unit", (c.organisation, c.name), (c.cases_served, c.new_cases, c.sessions, c.session_hours))
              for c in report.caseworkers]
    grants = [("unit", (g.organisation, g.municipality, f"{g.period_start:%d.%m.%Y} – {g.period_end:%d.%m.%Y}",
                        g.note or ""), (float(g.fte),)) for g in report.positions]
    return [
        FundingTable("units", "Stellen und Fallzahlen je Kommune und Organisation", ("Organisation", "Kommune"),
                     UNIT_HEADERS, units),
        FundingTable("closures", "Abschlüsse nach Grund", ("Organisation", "Kommune", "Abschlussgrund"),
                     ("Abschlüsse",), closures),
        FundingTable("caseworkers", "Integrationsmanager/innen", ("Organisation", "Name"),
                     ("Zuständig für betreute Fälle", "Neuaufnahmen", "Beratungskontakte", "Beratungsstunden"),
                     people),
        FundingTable("positions", "Bewilligte Stellen", ("Organisation", "Kommune", "Förderzeitraum", "Hinweis"),
                     ("VZÄ",), grants),
    ]


def de_figure(value) -> str:
    """German notation with up to two decimals (full-time equivalents such as 0,75); empty for no figure."""
    if value is None:
        return ""
    if isinstance(value, (float, Decimal)):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") if value % 1 else str(int(value))
    return str(value)


def funding_csv(report: FundingReport) -> bytes:
    """Long format (one figure a line), semicolons and a BOM; every line carries the stamp."""
    stamp = tuple(value for _label, value in report.stamp[:3]) + (report.stamp[4][1],)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("Tabelle", "Organisation", "Kommune", "Merkmal", "Kennzahl", "Wert", "Förderzeitraum", "Stand",
                     "Regelversion", "Protokollstand"))
    for table in funding_tables(report):
        for _kind, labels, values in table.rows:
            organisation, second, *rest = labels
            for header, value in zip(table.value_headers, values, strict=True):
                writer.writerow((table.title, organisation, second, " · ".join(r for r in rest if r), header,
                                 de_figure(value), *stamp))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def funding_xlsx(report: FundingReport) -> bytes:
    """One sheet per table, each headed by the stamp."""
    book = Workbook()
    book.remove(book.active)
    names = {"units": "Stellen und Fallzahlen", "closures": "Abschlussgründe", "caseworkers": "Integrationsmanager",
             "positions": "Bewilligte Stellen"}
    for table in funding_tables(report):
        sheet = book.create_sheet(names[table.key])
        sheet.append([f"Verwendungsnachweis Integrationsmanagement – {table.title}"])
        sheet["A1"].font = Font(bold=True, size=13)
        for label, value in report.stamp:
            sheet.append([label, value])
        sheet.append([])
        sheet.append([*table.label_headers, *table.value_headers])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for kind, labels, values in table.rows:
            sheet.append([*labels, *values])
            if kind != "unit":
                for cell in sheet[sheet.max_row]:
                    cell.font, cell.fill = Font(bold=True), SUM_FILL
    book.properties.created = book.properties.modified = report.params.as_of.replace(tzinfo=None)
    book.properties.title = f"Verwendungsnachweis {report.params.label}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def funding_pdf(report: FundingReport) -> bytes:
    """The report as a landscape A4 PDF."""
    return render_pdf("funding_report.html", report=report, tables=funding_tables(report), definitions=DEFINITIONS,
                      num=lambda v: de_figure(v) or "–")


FUNDING_FORMATS = {"csv": ("text/csv; charset=utf-8", funding_csv),
                   "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", funding_xlsx),
                   "pdf": ("application/pdf", funding_pdf)}


def export_funding_report(report: FundingReport, fmt: str) -> ExportFile:
    """Render the funding-period report as csv, xlsx or pdf."""
    if fmt not in FUNDING_FORMATS:
        raise InvalidInput("Unbekanntes Format (erlaubt: csv, xlsx, pdf).", {"format": "Unbekanntes Format."})
    mimetype, render = FUNDING_FORMATS[fmt]
    p = report.params
    name = f"Verwendungsnachweis_{p.start:%Y%m%d}-{p.end:%Y%m%d}_Stand_{p.as_of_local:%Y%m%d-%H%M%S}.{fmt}"
    return ExportFile(render(report), mimetype, name)
