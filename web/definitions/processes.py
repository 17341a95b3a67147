"""Prozesse: definitions with versions, the BPMN modeler (drafts, check, deploy), version view and comparison."""
from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import login_required

from engine.authoring import (
    AUTHORS,
    Refused,
    adopt_version,
    check_definition,
    definitions_overview,
    deploy_draft,
    discard_draft,
    editor_source,
    forms_overview,
    save_draft,
    user_names,
)
from engine.db import ProcessDefinition
from engine.errors import InvalidInput, NotFound
from engine.workflow import MAX_BYTES, diff_definitions

from ..deps import actor, reader, uow
from .blueprint import TooLarge, bp, problems_json
from .creation import panel_fields, panel_vocabulary
from .schemas import CompareQuery, DraftForm, SaveXmlBody, XmlBody, load


@bp.route("/")
@login_required
def index():
    """Every definition with versions and running cases; every form with versions and where it is used."""
    with reader() as r:
        definitions = definitions_overview(r.session)
        forms = forms_overview(r.session)
        ids = [v.deployed_by for d in definitions for v in d.versions]
        ids += [d.draft.updated_by for d in definitions if d.draft]
        ids += [v.deployed_by for f in forms for v in f.versions] + [f.draft.updated_by for f in forms if f.draft]
        names = user_names(r.session, ids)
    return render_template("definitions/index.html", definitions=definitions, forms=forms, names=names,
                           may_edit=actor().role in AUTHORS)


def _editor_page(key: str, problems=(), status: int = 200, values=None):
    with reader() as r:
        source = editor_source(r, key)
        names = user_names(r.session, [source.draft.updated_by if source.draft else None])
        form_ids = r.forms.ids()
        fields = panel_fields(r.forms)
    return render_template("definitions/edit.html", source=source, names=names, form_ids=form_ids,
                           vocabulary=panel_vocabulary(), fields=fields, problems=problems,
                           values=values or {}), status


@bp.route("/<key>/bearbeiten")
@login_required
def edit(key: str):
    """The modeler on the draft (or the latest version), with check, save, upload, download and deploy."""
    return _editor_page(key)


@bp.route("/<key>/entwurf.bpmn")
@login_required
def draft_xml(key: str):
    """The XML the modeler opens: the draft if one exists, else the latest version."""
    with reader() as r:
        xml = editor_source(r, key).xml
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "no-store"})


@bp.route("/<key>/entwurf", methods=["POST"])
@login_required
def save(key: str):
    """Save the draft (JSON); 409 with the colleague's name if someone saved in between."""
    body = load(SaveXmlBody(), request.get_json(silent=True))
    saved = save_draft(uow(), key, body["xml"], body["draft_version"], actor())
    errors = sum(p.severity == "error" for p in saved.problems)
    message = "Entwurf gespeichert." + (f" Vor der Bereitstellung sind noch {errors} Fehler zu beheben."
                                        if errors else "")
    return {"ok": True, "draft_version": saved.version, "message": message,
            "problems": problems_json(saved.problems)}


@bp.route("/<key>/pruefen", methods=["POST"])
@login_required
def check(key: str):
    """Lint posted XML against the forms in force (JSON); nothing is stored."""
    body = load(XmlBody(), request.get_json(silent=True))
    if len(body["xml"].encode("utf-8")) > MAX_BYTES:
        raise TooLarge(f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")
    with reader() as r:
        editor_source(r, key)  # 404 for an unknown key
        problems = check_definition(r, key, body["xml"])
    errors = sum(p.severity == "error" for p in problems)
    return {"ok": True, "problems": problems_json(problems),
            "message": f"{errors} Fehler gefunden." if errors else "Keine Fehler gefunden."}


@bp.route("/<key>/hochladen", methods=["POST"])
@login_required
def upload(key: str):
    """A .bpmn file from a normal form (works without JavaScript) becomes the draft."""
    form = load(DraftForm(), request.form.to_dict())
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        flash("Bitte wählen Sie eine BPMN-Datei aus.", "error")
        return redirect(url_for(".edit", key=key))
    data = upload_file.stream.read(MAX_BYTES + 1)
    try:
        saved = save_draft(uow(), key, data, form["draft_version"], actor())
    except Refused as exc:
        flash(f"„{upload_file.filename}“: {exc.message}", "error")
        return _editor_page(key, exc.problems, 422)
    flash(f"Die Datei „{upload_file.filename}“ ist jetzt der Entwurf.", "success")
    if any(p.severity == "error" for p in saved.problems):
        return _editor_page(key, saved.problems)
    return redirect(url_for(".edit", key=key))


@bp.route("/<key>/verwerfen", methods=["POST"])
@login_required
def discard(key: str):
    """Throw the draft away; the editor then starts from the latest version again."""
    form = load(DraftForm(), request.form.to_dict())
    discard_draft(uow(), key, form["draft_version"], actor())
    flash("Der Entwurf wurde verworfen.", "success")
    return redirect(url_for(".index"))


@bp.route("/<key>/bereitstellen", methods=["POST"])
@login_required
def deploy(key: str):
    """Deploy the saved draft as a new version (lint gate, comment required)."""
    form = load(DraftForm(), request.form.to_dict())
    try:
        definition = deploy_draft(uow(), key, form["draft_version"], form["comment"], actor())
    except InvalidInput as exc:
        flash(exc.message, "error")
        return _editor_page(key, getattr(exc, "problems", []), 422,
                            values={"comment": form["comment"], "errors": exc.errors})
    if definition.kind == "journey":
        after = "Neue Fälle starten darauf; laufende Fälle bleiben auf ihrer Version."
    else:
        after = "Abläufe, die ab jetzt starten, verwenden sie; laufende Abläufe bleiben auf ihrer Version."
    flash(f"Version {definition.version} von „{definition.name}“ ist bereitgestellt. {after}", "success")
    return redirect(url_for(".index"))


def _definition(r, definition_id: int) -> ProcessDefinition:
    definition = r.session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound("Diese Prozessversion gibt es nicht.")
    return definition


@bp.route("/versionen/<int:definition_id>")
@login_required
def view(definition_id: int):
    """One deployed version, read-only, with "Als Entwurf übernehmen"."""
    with reader() as r:
        definition = _definition(r, definition_id)
        source = editor_source(r, definition.key)
        names = user_names(r.session, [definition.deployed_by])
    return render_template("definitions/view.html", definition=definition, source=source, names=names,
                           may_edit=actor().role in AUTHORS)


@bp.route("/versionen/<int:definition_id>.bpmn")
@login_required
def download(definition_id: int):
    """The BPMN file of one version (as an attachment with ?download=1)."""
    with reader() as r:
        definition = _definition(r, definition_id)
    headers = {}
    if request.args.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="{definition.key}_v{definition.version}.bpmn"'
    return Response(definition.bpmn_xml, mimetype="application/xml", headers=headers)


@bp.route("/versionen/<int:definition_id>/uebernehmen", methods=["POST"])
@login_required
def adopt(definition_id: int):
    """Copy a deployed version into the draft (replacing the draft the page showed)."""
    form = load(DraftForm(), request.form.to_dict())
    with reader() as r:
        key = _definition(r, definition_id).key
    adopt_version(uow(), definition_id, form["draft_version"], actor())
    flash("Die Version wurde als Entwurf übernommen.", "success")
    return redirect(url_for(".edit", key=key))


@bp.route("/<key>/vergleich")
@login_required
def compare(key: str):
    """Two versions of a definition side by side: changed elements listed and highlighted."""
    query = load(CompareQuery(), request.args.to_dict())
    with reader() as r:
        entry = next((d for d in definitions_overview(r.session) if d.key == key and d.versions), None)
        if entry is None:
            raise NotFound("Diese Prozessdefinition gibt es nicht.")
        ids = [v.id for v in entry.versions]
        new_id = query["neu"] if query["neu"] in ids else ids[0]
        old_id = query["alt"] if query["alt"] in ids else (ids[1] if len(ids) > 1 else ids[0])
        old, new = _definition(r, old_id), _definition(r, new_id)
    diff = diff_definitions(old.bpmn_xml, new.bpmn_xml)
    return render_template("definitions/compare.html", entry=entry, old=old, new=new, diff=diff,
                           changes=json.dumps(diff.ids()))

