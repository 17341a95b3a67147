"""Prozesse › Formulare: the form-js editor on a form's draft, preview, deploy of form versions, where used."""
from __future__ import annotations

from flask import Response, flash, json, redirect, render_template, request, url_for
from flask_login import login_required

from engine.authoring import (
    deploy_form,
    discard_form_draft,
    form_editor_source,
    form_uses,
    form_versions,
    save_form_draft,
    user_names,
)
from engine.errors import InvalidInput, NotFound

from ..deps import actor, reader, uow
from .blueprint import bp, problems_json
from .schemas import DraftForm, SaveFormBody, load


def _form_page(form_id: str, problems=(), status: int = 200, values=None):
    with reader() as r:
        schema, draft, latest = form_editor_source(r, form_id)
        versions = form_versions(r.session, form_id)
        uses = form_uses(r.session).get(form_id, [])
        names = user_names(r.session, [draft.updated_by if draft else None] + [v.deployed_by for v in versions])
    return render_template("definitions/form_edit.html", form_id=form_id, draft=draft, latest=latest,
                           versions=versions, uses=uses, names=names, problems=problems,
                           values=values or {}), status


@bp.route("/formulare/<form_id>")
@login_required
def form_edit(form_id: str):
    """The form editor on the draft (or the latest version), with preview, versions and where it is used."""
    return _form_page(form_id)


@bp.route("/formulare/<form_id>/entwurf.json")
@login_required
def form_schema(form_id: str):
    """The schema the form editor opens: the draft if one exists, else the latest version."""
    with reader() as r:
        schema, _draft, _latest = form_editor_source(r, form_id)
    return Response(json.dumps(schema, ensure_ascii=False), mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


@bp.route("/formulare/<form_id>/v<int:version>.json")
@login_required
def form_version_json(form_id: str, version: int):
    """One deployed version of a form as a file."""
    with reader() as r:
        row = next((v for v in form_versions(r.session, form_id) if v.version == version), None)
    if row is None:
        raise NotFound("Diese Formularversion gibt es nicht.")
    return Response(json.dumps(row.schema, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{form_id}_v{version}.json"'})


@bp.route("/formulare/<form_id>/entwurf", methods=["POST"])
@login_required
def form_save(form_id: str):
    """Save the form draft (JSON); 409 if someone saved in between."""
    body = load(SaveFormBody(), request.get_json(silent=True))
    saved = save_form_draft(uow(), form_id, body["schema"], body["draft_version"], actor())
    message = "Entwurf gespeichert." + (" Das Formular ist so noch nicht gültig." if saved.problems else "")
    return {"ok": True, "draft_version": saved.version, "message": message,
            "problems": problems_json(saved.problems)}


@bp.route("/formulare/<form_id>/verwerfen", methods=["POST"])
@login_required
def form_discard(form_id: str):
    """Throw the form draft away."""
    form = load(DraftForm(), request.form.to_dict())
    discard_form_draft(uow(), form_id, form["draft_version"], actor())
    flash("Der Formularentwurf wurde verworfen.", "success")
    return redirect(url_for(".index"))


@bp.route("/formulare/<form_id>/bereitstellen", methods=["POST"])
@login_required
def form_deploy(form_id: str):
    """Deploy the form draft as the form's next version (tasks show it from now on)."""
    form = load(DraftForm(), request.form.to_dict())
    try:
        row = deploy_form(uow(), form_id, form["draft_version"], form["comment"], actor())
    except InvalidInput as exc:
        flash(exc.message, "error")
        return _form_page(form_id, getattr(exc, "problems", []), 422,
                          values={"comment": form["comment"], "errors": exc.errors})
    flash(f"Version {row.version} des Formulars „{form_id}“ ist bereitgestellt; Aufgaben zeigen ab jetzt diese "
          "Version.", "success")
    return redirect(url_for(".index"))
