"""Tasks in the API: worklist views, a task with its form, claim/release/assign, completion."""
from __future__ import annotations

from dataclasses import asdict

from flask_smorest import Blueprint

from engine.casework import (
    PAGE_SIZE,
    WorklistFilter,
    assign_task,
    claim_task,
    complete_task,
    task_form,
    unclaim_task,
    worklist,
)

from ..deps import actor, reader, uow
from ..schemas import WorklistQuery
from .schemas import AssignBody, CompleteTaskBody, Done, form_input
from .task_schemas import TaskDetail, WorklistPage

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1", description="Aufgaben: Arbeitsliste, Formulare, Erledigen")


@bp.route("/tasks")
@bp.arguments(WorklistQuery, location="query")
@bp.response(200, WorklistPage)
def worklist_view(args):
    """The worklist: `scope` mine (default), team (unassigned) or all of the organisation; filters and paging."""
    flt = WorklistFilter(scope=args["scope"], municipality_id=args["municipality"], task_spec=args["task"],
                         due=args["due"], page=args["page"])
    with reader() as r:
        rows, total = worklist(r, actor(), flt)
    return {"items": rows, "total": total, "page": args["page"], "page_size": PAGE_SIZE}


@bp.route("/cases/<case_id>/tasks/<task_id>")
@bp.response(200, TaskDetail)
def detail(case_id: str, task_id: str):
    """A task with its form and prefilled values, and the case version to send back when completing it."""
    with reader() as r:
        tf = task_form(r, actor(), case_id, task_id)
        t = tf.task
        return {"id": t.id, "case_id": t.case_id, "title": t.title, "step": t.step, "form_key": t.form_key,
                "assignee_id": t.assignee_id, "due_on": t.due_on, "case_version": tf.version,
                "view_only": tf.view_only, "values": tf.values, "form": asdict(tf.form) if tf.form else {}}


@bp.route("/cases/<case_id>/tasks/<task_id>/complete", methods=["POST"])
@bp.arguments(CompleteTaskBody)
@bp.response(200, Done)
def complete(body, case_id: str, task_id: str):
    """Complete the task with the form's data: the web form's validation; 409 if the case changed meanwhile."""
    title = complete_task(uow(), case_id, task_id, form_input(body["data"]), actor(), body["case_version"])
    return {"message": f"„{title}“ wurde erledigt."}


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
@bp.response(200, Done)
def claim(task_id: str):
    """Take a task from the team pool."""
    claim_task(uow(), task_id, actor())
    return {"message": "Die Aufgabe ist jetzt Ihnen zugewiesen."}


@bp.route("/tasks/<task_id>/release", methods=["POST"])
@bp.response(200, Done)
def release(task_id: str):
    """Give a task back to the team pool."""
    unclaim_task(uow(), task_id, actor())
    return {"message": "Die Aufgabe wurde an das Team zurückgegeben."}


@bp.route("/tasks/<task_id>/assign", methods=["POST"])
@bp.arguments(AssignBody)
@bp.response(200, Done)
def assign(body, task_id: str):
    """Team lead assigns a task to a colleague of the organisation."""
    name = assign_task(uow(), task_id, body["assignee_id"], actor())
    return {"message": f"Die Aufgabe wurde {name} zugewiesen."}
