"""Data protection: consents and withdrawal, rectification, the Art. 15 export, access log, retention."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.casework import case_view, form_for
from engine.errors import InvalidInput
from engine.privacy import (
    ACTION_LABELS,
    CONSENT_FORMS,
    FIELDS,
    MAX_LENGTHS,
    OUTCOME_LABELS,
    PAGE_SIZE,
    PURPOSES,
    access_log_csv,
    choices,
    close_restricted_case,
    current_values,
    overview,
    parse_access_query,
    privacy_panel,
    record_consent,
    rectify_client,
    set_retention,
    withdraw_consent,
)
from engine.privacy import access_log as read_access_log
from engine.privacy import export_archive as build_archive
from engine.privacy import export_json as build_json
from engine.privacy import export_pdf as build_pdf

from .deps import actor, container, reader, uow
from .schemas import VersionForm, load_args

bp = Blueprint("privacy", __name__)


@bp.app_context_processor
def _labels() -> dict:
    """Consent purposes and forms for the case page's data-protection card (every page may include it)."""
    return {"CONSENT_PURPOSES": PURPOSES, "CONSENT_FORMS": CONSENT_FORMS}


@bp.route("/cases/<case_id>/einwilligungen", methods=["POST"], endpoint="record_consent")
@login_required
def record_consent_view(case_id: str):
    """Record a further consent (lifts a restriction when it covers basic processing)."""
    try:
        record_consent(uow(), case_id, request.form, actor())
    except InvalidInput as exc:
        return _case_page(case_id, consent_errors=exc.errors, consent_values=exc.values, message=exc.message)
    flash("Die Einwilligung wurde dokumentiert.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="datenschutz"))


@bp.route("/cases/<case_id>/einwilligungen/<int:record_id>/widerruf", methods=["POST"], endpoint="withdraw_consent")
@login_required
def withdraw_consent_view(case_id: str, record_id: int):
    """Withdraw a consent in whole or in part."""
    try:
        restricted = withdraw_consent(uow(), case_id, record_id, request.form, actor())
    except InvalidInput as exc:
        return _case_page(case_id, withdrawal_errors={record_id: exc.errors}, message=exc.message)
    flash("Der Widerruf wurde dokumentiert. Die Verarbeitung des Falls ist eingeschränkt." if restricted
          else "Der Widerruf wurde dokumentiert.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="datenschutz"))


@bp.route("/cases/<case_id>/abschluss-nach-widerruf", methods=["POST"])
@login_required
def close_restricted(case_id: str):
    """Close a case after the consent was withdrawn."""
    version = load_args(VersionForm(), request.form)["case_version"]
    close_restricted_case(uow(), case_id, actor(), version)
    flash("Der Fall wurde wegen des Widerrufs der Einwilligung abgeschlossen.", "success")
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.route("/cases/<case_id>/berichtigung", methods=["GET", "POST"])
@login_required
def rectify(case_id: str):
    """Correct the client's personal data with a reason."""
    values, errors, status, message = {}, {}, 200, None
    if request.method == "POST":
        try:
            done = rectify_client(uow(), case_id, request.form, actor())
        except InvalidInput as exc:
            values, errors, status, message = exc.values, exc.errors, 422, exc.message
        else:
            flash("Die Personendaten wurden berichtigt: " + ", ".join(FIELDS[f] for f in done.fields) + ".",
                  "success")
            return redirect(url_for("cases.detail", case_id=case_id))
    with reader() as r:
        view = case_view(r, actor(), case_id)
        values = values or {**current_values(view.case), "version": view.case.version}
        return render_template("privacy/rectify.html", v=view, values=values, errors=errors, fields=FIELDS,
                               choices=choices(r), message=message, max_lengths=MAX_LENGTHS), status


@bp.route("/cases/<case_id>/auskunft.json")
@login_required
def export_json(case_id: str):
    """Art. 15 export as JSON (download)."""
    content, name = build_json(uow(), actor(), case_id)
    return Response(content, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/cases/<case_id>/auskunft.pdf")
@login_required
def export_pdf(case_id: str):
    """Art. 15 export as PDF."""
    content, name = build_pdf(uow(), actor(), case_id)
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/cases/<case_id>/auskunft.zip")
@login_required
def export_archive(case_id: str):
    """Art. 15 export as a ZIP: PDF, JSON and a copy of every stored document."""
    content, name = build_archive(uow(), container().documents, actor(), case_id)
    return Response(content, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.route("/datenschutz/zugriffe")
@login_required
def access_log():
    """Zugriffsprotokoll: who viewed which case, filtered and paged."""
    flt, errors = _filters()
    with reader() as r:
        lines, total = read_access_log(r, actor(), flt)
    return render_template("privacy/access_log.html", lines=lines, total=total, flt=flt, errors=errors,
                           args=request.args, page_size=PAGE_SIZE, actions=ACTION_LABELS, outcomes=OUTCOME_LABELS)


@bp.route("/datenschutz/zugriffe.csv", endpoint="access_log_csv")
@login_required
def access_log_csv_view():
    """The filtered access log as CSV."""
    flt, errors = _filters()
    if errors:
        raise InvalidInput("Die Filter sind ungültig: " + " ".join(errors.values()))
    with reader() as r:
        lines, _total = read_access_log(r, actor(), flt, everything=True)
    return Response("\ufeff" + access_log_csv(lines), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="zugriffsprotokoll.csv"'})


def _retention_input(form) -> str:
    """The period as an ISO duration: from the form's years and months, or as typed (ISO, e.g. from a script)."""
    if "retention" in form:
        return form.get("retention", "")
    years, months = (form.get(name, "").strip() or "0" for name in ("jahre", "monate"))
    if not (years.isdigit() and months.isdigit()) or len(years) > 3 or len(months) > 3:
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                           {"retention": "Bitte Jahre und Monate als ganze Zahlen angeben."},
                           {"retention": f"{years} / {months}"})
    parts = "".join(f"{int(n)}{unit}" for n, unit in ((years, "Y"), (months, "M")) if int(n))
    return f"P{parts or '0Y'}"


@bp.route("/datenschutz/aufbewahrung", methods=["GET", "POST"])
@login_required
def retention():
    """Retention: the period after closure, cases due for anonymisation, anonymised so far."""
    errors, status, value = {}, 200, None
    if request.method == "POST":
        try:
            set_retention(uow(), actor(), _retention_input(request.form))
        except InvalidInput as exc:
            errors, status, value = exc.errors, 422, exc.values.get("retention")
        else:
            flash("Die Aufbewahrungsfrist wurde geändert.", "success")
            return redirect(url_for(".retention"))
    with reader() as r:
        figures = overview(r)
    return render_template("privacy/retention.html", f=figures, errors=errors, value=value or figures["retention"]), \
        status


def _filters() -> tuple[dict, dict]:
    try:
        return parse_access_query(request.args), {}
    except InvalidInput as exc:
        return {"page": 1}, exc.errors


def _case_page(case_id: str, message: str, **extra):
    # The case page again, with the data-protection card's messages and the entered values (nothing is lost).
    with reader() as r:
        view = case_view(r, actor(), case_id)
        return render_template("cases/detail.html", v=view, contact_form=form_for(r, "contact"),
                               privacy=privacy_panel(r, view), today=r.clock.today(), privacy_message=message,
                               **extra), 422
