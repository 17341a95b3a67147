"""PDF export of the state report (WeasyPrint), landscape A4."""
from __future__ import annotations

from ..figures import StateReport
from ..labels import DEFINITIONS
from ..rendering import render_pdf
from ..tables import NO_DATA, metadata, report_tables


def report_pdf(report: StateReport) -> bytes:
    """The report as PDF bytes."""
    return render_pdf("state_report.html", report=report, meta=metadata(report),
                      tables=report_tables(report, detail=False), no_data=NO_DATA, definitions=DEFINITIONS)
