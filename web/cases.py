"""Cases: list and search, intake of a new case, the case page, contacts, notes, diagram XML."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.audit import case_conformance, process_conformance
from engine.casework import (
    add_note,
    case_view,
    definition_xml,
    form_for,
    intake_form_key,
    log_contact,
    municipalities_for,
    open_case,
    search_cases,
    startable_processes,
)
from engine.casework import start_process as start_case_process
from engine.decisions import outcome_choices
from engine.errors import InvalidInput
from engine.forms import read_values, wants_more_rows
from engine.privacy import privacy_panel
from engine.time import retry_timer as retry_case_timer

from .deps import actor, reader, uow
from .schemas import CaseSearchQuery, NoteForm, StartProcessForm, load_args

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/")
@login_required
def index():
    """Case list with search."""
    args = load_args(CaseSearchQuery(), request.args)
    with reader() as r:
        rows, total = search_cases(r, actor(), args["q"], args["status"], args["municipality"], args["page"],
                                   decision=args["decision"])
        return render_template("cases/list.html", rows=rows, total=total, args=args,
                               municipalities=municipalities_for(r, actor()), outcomes=outcome_choices(r.session))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Intake: create client and case and start the journey."""
    values, errors, status = {}, {}, 200
    extra = wants_more_rows(request.form) if request.method == "POST" else None
    if request.method == "POST" and not extra:
        # open_case reads and validates the form itself; the page's own copy is only needed to show it again.
        try:
            case_id = open_case(uow(), request.form, actor())
        except InvalidInput as exc:
            values, errors, status = exc.values, exc.errors, 422
        else:
            flash("Der Fall wurde angelegt. Nächster Schritt: Einwilligung einholen.", "success")
            return redirect(url_for(".detail", case_id=case_id))
    with reader() as r:
        form = form_for(r, intake_form_key(r), actor=actor())
    if extra:
        values = read_values(form, request.form, add_row_to=extra)
    elif status == 422 and not values:
        values = read_values(form, request.form)
    return render_template("cases/new.html", form=form, values=values, errors=errors), status


@bp.route("/<case_id>")
@login_required
def detail(case_id: str):
    """The case page."""
    with reader() as r:
        view = case_view(r, actor(), case_id)
        contact_form = form_for(r, "contact")
        return render_template("cases/detail.html", v=view, contact_form=contact_form,
                               conformance=case_conformance(r, actor(), case_id), today=r.clock.today(),
                               privacy=privacy_panel(r, view), **_processes(r, view))


def _processes(r, view) -> dict:
    """What the case page's "Abläufe" section needs beyond the view: startable processes, their conformance."""
    return {"startable": startable_processes(r, view.case.id, [p.process for p in view.processes])
            if view.case.status == "open" else [],
            "process_conformance": {p.process.id: process_conformance(r, actor(), view.case.id, p.process.id,
                                                                      p.process.definition_id)
                                    for p in view.processes if not p.process.journey}}


@bp.route("/<case_id>/ablaeufe", methods=["POST"])
@login_required
def start_process(case_id: str):
    """Start a further process (e.g. the recognition of a qualification) on the case."""
    data = load_args(StartProcessForm(), request.form)
    start_case_process(uow(), case_id, data["key"], actor(), data["version"])
    flash("Der Ablauf wurde gestartet; seine Aufgaben stehen in der Arbeitsliste.", "success")
    return redirect(url_for(".detail", case_id=case_id, _anchor="ablaeufe"))


@bp.route("/<case_id>/contacts", methods=["POST"])
@login_required
def add_contact(case_id: str):
    """Log a contact; on invalid input the case page is shown again with messages."""
    try:
        log_contact(uow(), case_id, request.form, actor())
    except InvalidInput as exc:
        with reader() as r:
            view = case_view(r, actor(), case_id)
            contact_form = form_for(r, "contact")
            return render_template("cases/detail.html", v=view, contact_form=contact_form,
                                   privacy=privacy_panel(r, view), contact_values=exc.values, contact_errors=exc.errors,
                                   today=r.clock.today(), open_tab="contacts", **_processes(r, view)), 422
    flash("Der Kontakt wurde dokumentiert.", "success")
    return redirect(url_for(".detail", case_id=case_id, _anchor="kontakte"))


@bp.route("/<case_id>/notes", methods=["POST"])
@login_required
def add_case_note(case_id: str):
    """Add a note."""
    data = load_args(NoteForm(), request.form)
    add_note(uow(), case_id, data["text"], actor())
    flash("Die Notiz wurde gespeichert.", "success")
    return redirect(url_for(".detail", case_id=case_id, _anchor="notizen"))


@bp.route("/<case_id>/timer/retry", methods=["POST"])
@login_required
def retry_timer(case_id: str):
    """Supervisor restarts a failed timer step."""
    retry_case_timer(uow(), actor(), case_id)
    flash("Die Frist wird beim nächsten Fristenlauf erneut verarbeitet.", "success")
    return redirect(url_for(".detail", case_id=case_id))


@bp.route("/definitions/<int:definition_id>.bpmn")
@login_required
def diagram(definition_id: int):
    """BPMN XML for the diagram viewer."""
    with reader() as r:
        xml = definition_xml(r, actor(), definition_id)
    return Response(xml, mimetype="application/xml")
