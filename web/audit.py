"""The Prüfpfad for compliance and administration: chain verification status and the Prozesstreue list."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.audit import (
    EXPLANATION_LABELS,
    audit_overview,
    check_all_cases,
    conformance_overview,
    require_auditor,
    start_verification,
)

from .deps import actor, container, reader

bp = Blueprint("audit", __name__, url_prefix="/pruefpfad")


@bp.route("/")
@login_required
def index():
    """Last verification, recent runs, and the button to verify now."""
    with reader() as r:
        overview = audit_overview(r, actor())
        conformance = conformance_overview(r, actor(), limit=0)
    return render_template("audit/index.html", o=overview, conformance=conformance)


@bp.route("/pruefen", methods=["POST"])
@login_required
def verify():
    """Verify the whole chain (read-only) and store the run; a long chain is verified in the background."""
    run = start_verification(container(), "web", actor())
    if run is None:
        flash(_("Die Prüfung läuft im Hintergrund (bei einer Million Ereignissen etwa eine Minute). Laden Sie "
                "die Seite danach neu, um das Ergebnis zu sehen."), "success")
    elif run.ok:
        flash(_("Der Prüfpfad ist unversehrt: %(count)s Ereignisse geprüft.", count=run.events_checked), "success")
    else:
        flash(_("Der Prüfpfad ist gebrochen. Die erste Bruchstelle steht unten."), "error")
    return redirect(url_for(".index"))


@bp.route("/prozesstreue")
@login_required
def conformance():
    """Cases whose completed steps do not fit their process model (stored results)."""
    with reader() as r:
        overview = conformance_overview(r, actor())
    return render_template("audit/conformance.html", o=overview, EXPLANATION_LABELS=EXPLANATION_LABELS)


@bp.route("/prozesstreue/pruefen", methods=["POST"])
@login_required
def check_conformance():
    """Replay every case now and store the results."""
    require_auditor(actor())
    summary = check_all_cases(container())
    flash(_("%(checked)s Fälle geprüft, %(deviating)s mit Abweichungen.", checked=summary.checked,
            deviating=len(summary.deviating)), "success")
    return redirect(url_for(".conformance"))
