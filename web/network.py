"""Network partners (directory) and referrals on a case."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.casework import case_view, form_for, municipalities_for
from engine.errors import InvalidInput
from engine.network import (
    FEED_NAMES,
    PARTNER_EDITORS,
    PARTNER_KINDS,
    REFERRAL_OUTCOMES,
    editable_partner,
    list_partners,
    record_referral,
    save_partner,
    update_referral,
)
from engine.privacy import privacy_panel

from .cases import _processes
from .deps import actor, reader, uow

bp = Blueprint("partners", __name__, url_prefix="/partner")


@bp.record_once
def _labels(state) -> None:
    state.app.jinja_env.globals.update(PARTNER_KINDS=PARTNER_KINDS, REFERRAL_OUTCOMES=REFERRAL_OUTCOMES,
                                       FEED_NAMES=FEED_NAMES, PARTNER_EDITORS=PARTNER_EDITORS)


@bp.route("/")
@login_required
def index():
    """The partner directory with filters (kind, municipality, search, inactive ones)."""
    with reader() as r:
        rows, args = list_partners(r, actor(), request.args)
        return render_template("network/partners.html", rows=rows, args=args,
                               municipalities=municipalities_for(r, actor()))


@bp.route("/neu", methods=["GET", "POST"])
@login_required
def new():
    """Create a partner (team lead: their organisation's; administration: the district's shared directory)."""
    return _edit(None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@login_required
def edit(partner_id: int):
    """Change a partner's data or mark it inactive."""
    return _edit(partner_id)


def _edit(partner_id: int | None):
    values, errors, status = {"active": "on"}, {}, 200
    if partner_id is not None:
        with reader() as r:
            p = editable_partner(r, actor(), partner_id)
            values = {k: getattr(p, k) for k in ("kind", "name", "contact_person", "phone", "email", "address",
                                                 "note", "municipality_id", "active")}
    if request.method == "POST":
        try:
            save_partner(uow(), actor(), request.form, partner_id)
        except InvalidInput as exc:
            values, errors, status = exc.values or dict(request.form), exc.errors, 422
        else:
            flash("Der Partner wurde gespeichert.", "success")
            return redirect(url_for(".index"))
    with reader() as r:
        municipalities = municipalities_for(r, actor())
    return render_template("network/partner_form.html", partner_id=partner_id, values=values, errors=errors,
                           municipalities=municipalities), status


@bp.route("/fall/<case_id>/vermittlungen", methods=["POST"])
@login_required
def add_referral(case_id: str):
    """Record a referral on the case; invalid input shows the case page again with messages."""
    try:
        record_referral(uow(), case_id, request.form, actor())
    except InvalidInput as exc:
        return case_page_with_errors(case_id, referral_values=exc.values, referral_errors=exc.errors)
    flash("Die Vermittlung wurde dokumentiert.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="vermittlungen"))


@bp.route("/fall/<case_id>/vermittlungen/<int:referral_id>", methods=["POST"])
@login_required
def referral_outcome(case_id: str, referral_id: int):
    """Record what came of a referral."""
    try:
        update_referral(uow(), case_id, referral_id, request.form, actor())
    except InvalidInput as exc:
        return case_page_with_errors(case_id, outcome_for=referral_id, outcome_values=exc.values,
                                     outcome_errors=exc.errors)
    flash("Das Ergebnis der Vermittlung wurde gespeichert.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="vermittlungen"))


def case_page_with_errors(case_id: str, **extra):
    """The case page again (422) with one section's form values and messages."""
    with reader() as r:
        view = case_view(r, actor(), case_id)
        return render_template("cases/detail.html", v=view, contact_form=form_for(r, "contact"),
                               privacy=privacy_panel(r, view), today=r.clock.today(), **_processes(r, view),
                               **extra), 422
