"""The supervisor's deadline overview ("Fristen"): counts per caseworker and municipality, and the due items."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from engine.time import UNASSIGNED, deadline_overview, failed_timers

from .deps import actor, reader

bp = Blueprint("deadlines", __name__)


@bp.route("/fristen")
@login_required
def index():
    """The Fristen page; the service checks the role and validates the query string with its schema."""
    with reader() as r:
        overview = deadline_overview(r, actor(), request.args)
        failed = failed_timers(r, actor())
    return render_template("deadlines/index.html", o=overview, UNASSIGNED=UNASSIGNED, failed=failed)
