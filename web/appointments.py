"""Appointments on a case, the caseworker's week ("Meine Woche") and the personal iCal feed."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.errors import InvalidInput, NotFound
from engine.network import (
    cancel_appointment,
    feed_ics,
    feed_status,
    issue_feed,
    my_week,
    reschedule_appointment,
    revoke_feed,
    set_appointment,
)

from .deps import actor, reader, uow
from .network import case_page_with_errors

bp = Blueprint("appointments", __name__)


@bp.route("/cases/<case_id>/termine", methods=["POST"])
@login_required
def add(case_id: str):
    """Arrange an appointment on the case."""
    try:
        set_appointment(uow(), case_id, request.form, actor())
    except InvalidInput as exc:
        return case_page_with_errors(case_id, appointment_values=exc.values, appointment_errors=exc.errors)
    flash("Der Termin wurde eingetragen.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="termine"))


@bp.route("/cases/<case_id>/termine/<appointment_id>", methods=["POST"])
@login_required
def reschedule(case_id: str, appointment_id: str):
    """Move an appointment."""
    try:
        reschedule_appointment(uow(), case_id, appointment_id, request.form, actor())
    except InvalidInput as exc:
        return case_page_with_errors(case_id, reschedule_for=appointment_id, reschedule_values=exc.values,
                                     reschedule_errors=exc.errors)
    flash("Der Termin wurde verschoben.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="termine"))


@bp.route("/cases/<case_id>/termine/<appointment_id>/absagen", methods=["POST"])
@login_required
def cancel(case_id: str, appointment_id: str):
    """Cancel an appointment."""
    cancel_appointment(uow(), case_id, appointment_id, actor())
    flash("Der Termin wurde abgesagt.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="termine"))


@bp.route("/termine")
@login_required
def week():
    """The signed-in person's appointments of one week, Monday to Sunday."""
    with reader() as r:
        view = my_week(r, actor(), request.args)
        status = feed_status(r, actor())
        return render_template("network/week.html", w=view, feed=status.active, issued=None)


@bp.route("/termine/kalender", methods=["POST"])
@login_required
def issue_calendar():
    """Create (or replace) the personal calendar feed; its address is shown this once."""
    token = issue_feed(uow(), actor(), request.form)
    with reader() as r:
        view = my_week(r, actor(), {})
        status = feed_status(r, actor())
        url = url_for(".feed", token=token, _external=True)
        return render_template("network/week.html", w=view, feed=status.active, issued=url)


@bp.route("/termine/kalender/widerrufen", methods=["POST"])
@login_required
def revoke_calendar():
    """Stop the personal calendar feed."""
    if revoke_feed(uow(), actor()):
        flash("Das Kalender-Abonnement wurde widerrufen; die bisherige Adresse funktioniert nicht mehr.", "success")
    return redirect(url_for(".week"))


@bp.route("/kalender/<token>.ics")
def feed(token: str):
    """The iCal feed: no sign-in, the secret token is the key; unknown or revoked tokens are 404."""
    try:
        with reader() as r:
            body = feed_ics(r, token)
    except NotFound:
        abort(404)
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store"})
