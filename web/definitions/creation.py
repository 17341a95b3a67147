"""Prozesse › Neuer Prozess and › Neues Formular; what the modeler's properties panel offers to choose from."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.authoring import SOURCES, create_form, create_process, process_templates
from engine.base import CLOSURE_REASONS, ROLE_LABELS
from engine.casework import PHASE_LABELS
from engine.errors import InvalidInput
from engine.forms import builder_fields
from engine.workflow import MAX_BYTES, PHASES, STEP_LABELS, STEPS

from ..deps import actor, reader, uow
from .blueprint import bp
from .schemas import NewFormForm, NewProcessForm, load


def panel_vocabulary() -> dict:
    """German choices of the properties panel: roles, steps, phases, closure reasons, process kinds."""
    return {
        "roles": [{"value": key, "label": label} for key, label in ROLE_LABELS.items() if key != "privacy"],
        "steps": [{"value": key, "label": STEP_LABELS[key]} for key in STEPS],
        "phases": [{"value": key, "label": PHASE_LABELS.get(key, key)} for key in PHASES],
        "closure_reasons": [{"value": key, "label": label} for key, label in CLOSURE_REASONS.items()],
        # Data the app itself puts into every case's workflow (conditions and due dates may read them too).
        "variables": [
            {"key": "eligible", "label": "Förderfähig (Prüfung bei der Erstaufnahme)", "kind": "boolean",
             "options": []},
            {"key": "intake_date", "label": "Fallbeginn (Erstaufnahme)", "kind": "date", "options": []},
            {"key": "step_completed_on", "label": "Erledigung des vorigen Schritts", "kind": "date", "options": []},
        ],
        "kinds": [{"value": "journey", "label": "Klientenreise (ein Ablauf je Fall, beginnt mit der Erstaufnahme)"},
                  {"value": "case_process", "label": "Weiterer Ablauf eines Falls"}],
    }


def panel_fields(forms) -> dict[str, list[dict]]:
    """For each form in force: the fields a condition or due date may read (for the builders)."""
    return {form_id: builder_fields(forms.get(form_id)) for form_id in forms.ids()}


def _new_process_page(values=None, errors=None, status: int = 200):
    with reader() as r:
        templates = process_templates(r.session)
    return render_template("definitions/new_process.html", templates=templates, sources=SOURCES,
                           values=values or {"source": "blank"}, errors=errors or {},
                           max_kb=MAX_BYTES // 1024), status


@bp.route("/neu")
@login_required
def new_process():
    """Neuer Prozess: key, name, and where the first draft comes from (blank, a copy, an upload)."""
    return _new_process_page()


@bp.route("/neu", methods=["POST"])
@login_required
def create_process_draft():
    """Open the new key with its first draft and go to the modeler."""
    form = load(NewProcessForm(), request.form.to_dict())
    upload = request.files.get("file")
    data = upload.stream.read(MAX_BYTES + 1) if upload is not None and upload.filename else None
    try:
        saved = create_process(uow(), form["key"], form["name"], form["source"], actor(),
                               template=form["template"] or None, upload=data)
    except InvalidInput as exc:
        flash(exc.message, "error")
        return _new_process_page(form, exc.errors, 422)
    errors = sum(p.severity == "error" for p in saved.problems)
    flash(f"Der Prozess „{form['name'].strip()}“ ist angelegt (noch nicht bereitgestellt)."
          + (f" Vor der Bereitstellung sind noch {errors} Punkte zu klären; das Prüfergebnis steht unter dem Editor."
             if errors else ""), "success")
    return redirect(url_for(".edit", key=form["key"].strip()))


def _new_form_page(values=None, errors=None, status: int = 200):
    return render_template("definitions/new_form.html", values=values or {}, errors=errors or {}), status


@bp.route("/formulare/neu")
@login_required
def new_form():
    """Neues Formular: id and title; the form editor opens on its first draft."""
    return _new_form_page()


@bp.route("/formulare/neu", methods=["POST"])
@login_required
def create_form_draft():
    """Open the new form with a first draft and go to the form editor."""
    form = load(NewFormForm(), request.form.to_dict())
    try:
        create_form(uow(), form["key"], form["title"], actor())
    except InvalidInput as exc:
        flash(exc.message, "error")
        return _new_form_page(form, exc.errors, 422)
    flash(f"Das Formular „{form['title'].strip()}“ ist angelegt. Fügen Sie Felder hinzu, speichern Sie den Entwurf "
          "und stellen Sie ihn bereit; danach können Prozessschritte es verwenden.", "success")
    return redirect(url_for(".form_edit", form_id=form["key"].strip()))
