"""Reports: the state report (Landesbericht) with CSV/XLSX/PDF downloads, eligible persons, the printable
Zielvereinbarung of a case."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.base import event_log_head, remember
from engine.errors import InvalidInput
from engine.reporting import (
    DEFINITIONS,
    FIRST_YEAR,
    de_number,
    eligible_entries,
    export_report,
    exportable_forms,
    form_data_csv,
    print_target_agreement,
    record_eligible_persons,
    report_choices,
    report_tables,
    state_report,
    target_agreement_pdf,
)

from .agreement_language import PrintForm, load_form
from .deps import actor, reader, uow

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(de_number, "de_number")
# Where the long compounds of the column headings may break on screen (soft hyphens; the exports keep plain text).
_BREAKS = {"Zielvereinbarungen": "Ziel\u00advereinbarungen", "Beratungskontakte": "Beratungs\u00adkontakte",
           "Beratungsstunden": "Beratungs\u00adstunden", "Förderberechtigte": "Förder\u00adberechtigte",
           "förderberechtigt": "förder\u00adberechtigt", "Haushaltsangehörige": "Haushalts\u00adangehörige",
           "Neuaufnahmen": "Neu\u00adaufnahmen", "Sozialleistungen": "Sozial\u00adleistungen",
           "Förderzeitraums": "Förder\u00adzeitraums"}


@bp.app_template_filter("breakable")
def breakable(text: str) -> str:
    """A column heading with soft hyphens in its long compound words."""
    for word, hyphenated in _BREAKS.items():
        text = text.replace(word, hyphenated)
    return text


@bp.route("/berichte/formulare/<form_id>.csv")
@login_required
def form_data(form_id: str):
    """Every completion of one form in the actor's scope, as CSV (e.g. the data of a team lead's new step)."""
    body = form_data_csv(uow(), actor(), form_id)
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="formular_{form_id}.csv"'})


@bp.route("/berichte")
@login_required
def index():
    """The report page: period and filters, the figures, downloads; invalid filters are shown on the page."""
    with reader() as r:
        choices = report_choices(r.session, actor())
        try:
            report = state_report(r, actor(), request.args)
        except InvalidInput as exc:
            if exc.status != 422 or not exc.errors:
                raise
            return render_template("reports/index.html", report=None, errors=exc.errors, message=exc.message,
                                   args=request.args, choices=choices, years=_years(r), entries=[]), 422
        return render_template("reports/index.html", report=report, tables=report_tables(report, detail=False),
                               errors={}, args=request.args, choices=choices, years=_years(r), definitions=DEFINITIONS,
                               entries=eligible_entries(r.session, actor(), report.params.year),
                               forms=exportable_forms(r))


@bp.route("/berichte/export.<fmt>")
@login_required
def export(fmt: str):
    """The report as a CSV, XLSX or PDF download (same parameters as the page)."""
    with reader() as r:
        # The same request on unchanged data gives the same document (its "Stand" is the moment the figures were
        # computed; every later change moves the event log's head and so makes a new one): rendered once.
        who = actor()
        key = ("report-export", fmt, who.role, who.organisation_id, tuple(sorted(request.args.items(multi=True))),
               event_log_head(r.session))
        exported = remember(key, lambda: export_report(state_report(r, who, request.args), fmt))
    return Response(exported.content, mimetype=exported.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{exported.filename}"'})


@bp.route("/berichte/berechtigte", methods=["POST"])
@login_required
def eligible():
    """Record eligible persons of a municipality and period, then show that period's report."""
    entry = record_eligible_persons(uow(), actor(), request.form)
    flash(f"Gespeichert: {entry.persons} förderberechtigte Personen in {entry.municipality} "
          f"({_period(entry.year, entry.quarter)}).", "success")
    return redirect(url_for(".index", year=entry.year, quarter=entry.quarter or None))


@bp.route("/cases/<case_id>/zielvereinbarung", methods=["POST"])
@login_required
def print_agreement(case_id: str):
    """Generate a new version of the case's Zielvereinbarung PDF (optionally bilingual) and open it."""
    language = load_form(PrintForm())["language"]
    version = print_target_agreement(uow(), actor(), case_id, language)
    return redirect(url_for(".agreement_pdf", case_id=case_id, version=version))


@bp.route("/cases/<case_id>/zielvereinbarung/<int:version>.pdf")
@login_required
def agreement_pdf(case_id: str, version: int):
    """A kept version of the Zielvereinbarung PDF."""
    with reader() as r:
        doc = target_agreement_pdf(r, actor(), case_id, version)
    return Response(doc.content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{doc.filename}"'})


def _years(r) -> list[int]:
    return list(range(r.clock.today().year, FIRST_YEAR - 1, -1))


def _period(year: int, quarter: int) -> str:
    return f"{quarter}. Quartal {year}" if quarter else f"Jahr {year}"
