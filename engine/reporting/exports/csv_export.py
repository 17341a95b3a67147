"""CSV export in long format (one figure per line), semicolon-separated with a BOM so spreadsheet programs
open it with umlauts intact; every line carries period, as-of time and rule version."""
from __future__ import annotations

import csv
import io

from ..figures import StateReport
from ..tables import NO_DATA, metadata, report_tables

HEADER = ("Tabelle", "Organisation", "Kommune", "Merkmal", "Kennzahl", "Wert", "Zeitraum", "Stand", "Regelversion")


def report_csv(report: StateReport) -> bytes:
    """The report as UTF-8 CSV bytes."""
    meta = dict(metadata(report))
    stamp = (meta["Zeitraum"], report.params.as_of_local.isoformat(), report.rule_version)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    if report.is_empty:
        writer.writerow(("Hinweis", "", "", "", "Keine Daten", NO_DATA, *stamp))
    for table in report_tables(report):
        for row in table.rows:
            organisation, municipality, *feature = row.labels
            for header, value in zip(table.value_headers, row.values, strict=True):
                writer.writerow((table.title, organisation, municipality, feature[0] if feature else "", header,
                                 _number(value), *stamp))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number(value) -> str:
    """German notation: decimal comma; empty when there is no figure (e.g. no eligible persons entered)."""
    if value is None:
        return ""
    return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)
