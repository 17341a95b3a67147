"""The worklist: my tasks, my team's unassigned tasks, filters; claim/unclaim/assign."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.casework import (
    WorklistFilter,
    assign_task,
    claim_task,
    colleagues,
    municipalities_for,
    task_kinds,
    unclaim_task,
    worklist,
)

from .deps import actor, reader, uow
from .schemas import AssignForm, WorklistQuery, load_args

bp = Blueprint("worklist", __name__)


@bp.route("/")
@login_required
def index():
    """The worklist page."""
    args = load_args(WorklistQuery(), request.args)
    me = actor()
    flt = WorklistFilter(scope=args["scope"], municipality_id=args["municipality"], task_spec=args["task"],
                         due=args["due"], page=args["page"])
    with reader() as r:
        rows, total = worklist(r, me, flt)
        people = colleagues(r, me) if me.is_supervisor else []
        return render_template("worklist/index.html", rows=rows, total=total, flt=flt,
                               municipalities=municipalities_for(r, me), kinds=task_kinds(r, me), people=people)


def _back():
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for(".index"))


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: str):
    """Take a task from the team pool."""
    claim_task(uow(), task_id, actor())
    flash("Die Aufgabe ist jetzt Ihnen zugewiesen.", "success")
    return _back()


@bp.route("/tasks/<task_id>/unclaim", methods=["POST"])
@login_required
def unclaim(task_id: str):
    """Give a task back to the team pool."""
    unclaim_task(uow(), task_id, actor())
    flash("Die Aufgabe wurde an das Team zurückgegeben.", "success")
    return _back()


@bp.route("/tasks/<task_id>/assign", methods=["POST"])
@login_required
def assign(task_id: str):
    """Supervisor assigns a task to a colleague."""
    data = load_args(AssignForm(), request.form)
    name = assign_task(uow(), task_id, data["assignee_id"], actor())
    flash(f"Die Aufgabe wurde {name} zugewiesen.", "success")
    return _back()
