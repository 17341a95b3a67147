"""Working on a task: show its form, validate and complete it (one transaction in the engine)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.casework import complete_task, task_form
from engine.errors import Conflict, InvalidInput, NotFound
from engine.forms import initial_values, read_values, wants_more_rows

from .deps import actor, reader, uow
from .schemas import VersionForm, load_args

bp = Blueprint("tasks", __name__, url_prefix="/cases/<case_id>/tasks")


@bp.route("/<task_id>", methods=["GET", "POST"])
@login_required
def form(case_id: str, task_id: str):
    """Show the task's form (GET) or complete the task (POST)."""
    values, errors, status, conflict, version = None, {}, 200, None, None
    if request.method == "POST":
        version = load_args(VersionForm(), request.form)["case_version"]
        extra = wants_more_rows(request.form)
        if not extra:
            try:
                title = complete_task(uow(), case_id, task_id, request.form, actor(), version)
            except InvalidInput as exc:
                values, errors, status = exc.values, exc.errors, 422
            except Conflict as exc:
                conflict, status, version = exc.message, 409, None
            else:
                flash(f"„{title}“ wurde erledigt.", "success")
                return redirect(url_for("cases.detail", case_id=case_id))
    with reader() as r:
        try:
            tf = task_form(r, actor(), case_id, task_id)
        except NotFound:
            if conflict:  # the task is gone because someone else completed it: say who, with 409
                raise Conflict(conflict) from None
            raise
    if request.method == "POST":
        values = values or read_values(tf.form, request.form, add_row_to=wants_more_rows(request.form))
    else:
        values = initial_values(tf.form, tf.values)
    # After a conflict the form carries the current version, so a deliberate resubmit can succeed.
    return render_template("tasks/form.html", tf=tf, values=values, errors=errors, version=version or tf.version,
                           conflict=conflict), status
