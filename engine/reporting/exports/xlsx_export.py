"""XLSX export with openpyxl: one sheet per table, each headed by period, as-of time and rule version."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..figures import StateReport
from ..tables import NO_DATA, Table, metadata, report_tables

SUM_FILL = PatternFill("solid", fgColor="EEF2F7")
SHEET_NAMES = {"figures": "Kennzahlen", "goals": "Ziele", "outcomes": "Wirkungen", "closures": "Abschlussgründe",
               "referrals": "Vermittlungen"}


def report_xlsx(report: StateReport) -> bytes:
    """The report as an XLSX workbook (bytes)."""
    book = Workbook()
    book.remove(book.active)
    for table in report_tables(report):
        _sheet(book, table, report)
    # Fixed document dates keep files of the same as-of time identical.
    book.properties.created = book.properties.modified = report.params.as_of.replace(tzinfo=None)
    book.properties.title = f"Landesbericht {report.params.label}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, table: Table, report: StateReport) -> None:
    sheet = book.create_sheet(SHEET_NAMES[table.key])
    sheet.append([f"Landesbericht Integrationsmanagement – {table.title}"])
    sheet["A1"].font = Font(bold=True, size=13)
    for label, value in metadata(report):
        sheet.append([label, value])
    if report.is_empty:
        sheet.append(["Hinweis", NO_DATA])
    sheet.append([])
    header_row = sheet.max_row + 1
    sheet.append([*table.label_headers, *table.value_headers])
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([*row.labels, *row.values])
        if row.kind != "unit":
            for cell in sheet[sheet.max_row]:
                cell.font, cell.fill = Font(bold=True), SUM_FILL
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=len(table.label_headers) + 1)
    for index in range(1, len(table.label_headers) + len(table.value_headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 26 if index <= len(table.label_headers) else 16
