"""Exports of the state report: CSV, XLSX (openpyxl) and PDF (WeasyPrint), each stamped with as-of time and rule
version."""
from __future__ import annotations

from dataclasses import dataclass

from engine.errors import InvalidInput

from ..figures import StateReport
from .csv_export import report_csv
from .pdf_export import report_pdf
from .xlsx_export import report_xlsx

FORMATS = {"csv": ("text/csv; charset=utf-8", report_csv),
           "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_xlsx),
           "pdf": ("application/pdf", report_pdf)}


@dataclass(frozen=True)
class ExportFile:
    """A rendered export: bytes, media type and a file name."""

    content: bytes
    mimetype: str
    filename: str


def export_report(report: StateReport, fmt: str) -> ExportFile:
    """Render the report in one of the formats csv, xlsx, pdf."""
    if fmt not in FORMATS:
        raise InvalidInput("Unbekanntes Format (erlaubt: csv, xlsx, pdf).", {"format": "Unbekanntes Format."})
    mimetype, render = FORMATS[fmt]
    p = report.params
    period = f"{p.year}-Q{p.quarter}" if p.quarter else str(p.year)
    name = f"Landesbericht_{period}_Stand_{p.as_of_local:%Y%m%d-%H%M%S}.{fmt}"
    return ExportFile(render(report), mimetype, name)


__all__ = ["FORMATS", "ExportFile", "export_report"]
