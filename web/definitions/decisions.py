"""Prozesse › Entscheidungstabellen: the dmn-js editor, „Testen“, check, deploy with comment, compare, .dmn files."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.authoring import AUTHORS, deploy_table, redeploy_table_users, user_names
from engine.decisions import (
    check_decision_file,
    compare_tables,
    decision_versions,
    list_decisions,
    processes_using,
    run_test,
    test_fields,
)
from engine.errors import InvalidInput, NotFound
from engine.workflow import MAX_BYTES, DecisionError, explain_evaluation

from ..deps import actor, reader, uow
from .blueprint import TooLarge, bp, problems_json
from .schemas import load


class TableTestBody(Schema):
    """POST body of „Testen“: the table as edited and the test values by field name."""

    class Meta:
        unknown = EXCLUDE

    xml = fields.String(required=True)
    values = fields.Dict(keys=fields.String(validate=validate.Length(max=100)),
                         values=fields.String(allow_none=True, validate=validate.Length(max=1000)),
                         load_default=dict, validate=validate.Length(max=50))


class TableXmlBody(Schema):
    """POST body of the check: the table as edited."""

    class Meta:
        unknown = EXCLUDE

    xml = fields.String(required=True)


class TableDeployForm(Schema):
    """Deploy (from the editor or an uploaded file): the table's XML unless a file is sent, and a comment."""

    class Meta:
        unknown = EXCLUDE

    xml = fields.String(load_default="")
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class TableCompareQuery(Schema):
    """Which two versions of a table to compare (version numbers)."""

    class Meta:
        unknown = EXCLUDE

    alt = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    neu = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


def _versions(key: str):
    with reader() as r:
        versions = decision_versions(r.session, key)
        if not versions:
            raise NotFound(f"Keine Entscheidungstabelle „{key}“ bereitgestellt.")
        users = processes_using(r.session, key)
        names = user_names(r.session, [v.deployed_by for v in versions])
    return versions, users, names


def _sized(xml: str) -> str:
    if len(xml.encode("utf-8")) > MAX_BYTES:
        raise TooLarge(f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")
    return xml


@bp.route("/tabellen/")
@login_required
def tables():
    """Every decision table with its newest version and the processes using it."""
    with reader() as r:
        rows = [(t, processes_using(r.session, t.key)) for t in list_decisions(r.session)]
        names = user_names(r.session, [t.deployed_by for t, _u in rows])
    return render_template("definitions/tables.html", rows=rows, names=names, may_edit=actor().role in AUTHORS)


@bp.route("/tabellen/<table_key>")
@login_required
def table_edit(table_key: str, problems=(), status: int = 200, xml: str | None = None, values=None):
    """The table editor on the newest version: test, check, deploy, versions, compare, download/upload."""
    versions, users, names = _versions(table_key)
    current = xml or versions[0].dmn_xml
    return render_template("definitions/table_edit.html", key=table_key, latest=versions[0], versions=versions,
                           users=users, names=names, test_fields=test_fields(current), problems=problems,
                           values=values or {}), status


@bp.route("/tabellen/<table_key>/v<int:version>.dmn")
@login_required
def table_download(table_key: str, version: int):
    """One deployed version as a .dmn file."""
    versions, _users, _names = _versions(table_key)
    row = next((v for v in versions if v.version == version), None)
    if row is None:
        raise NotFound("Diese Version der Entscheidungstabelle gibt es nicht.")
    inline = request.args.get("download") is None
    return Response(row.dmn_xml, mimetype="application/xml", headers={
        "Cache-Control": "no-store",
        **({} if inline else {"Content-Disposition": f'attachment; filename="{table_key}_v{version}.dmn"'})})


@bp.route("/tabellen/<table_key>/testen", methods=["POST"])
@login_required
def table_test(table_key: str):
    """Evaluate the edited table with the test values on the server (JSON): matched rule(s) and outputs."""
    body = load(TableTestBody(), request.get_json(silent=True))
    _versions(table_key)
    try:
        result = run_test(_sized(body["xml"]), body["values"], uow().clock.today())
    except DecisionError as exc:
        return {"ok": False, "message": str(exc)}
    return {"ok": True, "lines": explain_evaluation(result), "rules": [r.number for r in result.rules],
            "rule_ids": [r.rule_id for r in result.rules],
            "outputs": {k: str(v) for k, v in result.outputs.items()}}


@bp.route("/tabellen/<table_key>/pruefen", methods=["POST"])
@login_required
def table_check(table_key: str):
    """Check the edited table (JSON): each problem with the id of its cell."""
    body = load(TableXmlBody(), request.get_json(silent=True))
    _versions(table_key)
    with reader() as r:
        problems = check_decision_file(r, _sized(body["xml"]))
    errors = sum(p.severity == "error" for p in problems)
    return {"ok": True, "problems": problems_json(problems),
            "message": f"{errors} Fehler gefunden." if errors else "Keine Fehler gefunden."}


@bp.route("/tabellen/<table_key>/bereitstellen", methods=["POST"])
@login_required
def table_deploy(table_key: str):
    """Deploy the edited table, or an uploaded .dmn file, as the next immutable version with a comment."""
    form = load(TableDeployForm(), request.form.to_dict())
    upload_file = request.files.get("file")
    xml = form["xml"]
    if upload_file is not None and upload_file.filename:
        data = upload_file.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise TooLarge(f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")
        xml = data.decode("utf-8", errors="replace")
    if not xml.strip():
        flash("Bitte eine Tabelle bearbeiten oder eine .dmn-Datei auswählen.", "error")
        return redirect(url_for(".table_edit", table_key=table_key))
    try:
        row = deploy_table(uow(), _sized(xml), form["comment"], actor(), expected_key=table_key)
    except InvalidInput as exc:
        flash(exc.message, "error")
        problems = [{"severity": "error", "element_id": k, "message": v} for k, v in (exc.errors or {}).items()]
        return table_edit(table_key, problems, 422, xml=xml, values={"comment": form["comment"]})
    flash(f"Version {row.version} der Entscheidungstabelle „{row.name}“ ist bereitgestellt. Prozesse verwenden "
          "sie erst, wenn sie neu bereitgestellt werden (unten).", "success")
    return redirect(url_for(".table_edit", table_key=table_key) + "#verwendung")


@bp.route("/tabellen/<table_key>/prozesse-bereitstellen", methods=["POST"])
@login_required
def table_redeploy(table_key: str):
    """Deploy the processes that use the table again, so that new cases get its newest version."""
    form = load(TableDeployForm(), request.form.to_dict())
    try:
        deployed = redeploy_table_users(uow(), table_key, actor(), form["comment"])
    except InvalidInput as exc:
        flash(exc.message, "error")
        return redirect(url_for(".table_edit", table_key=table_key) + "#verwendung")
    listed = ", ".join(f"{k} v{v}" for k, v in deployed) or "keine"
    flash(f"Neu bereitgestellt: {listed}. Neue Fälle verwenden die neueste Tabelle; laufende Fälle behalten ihre "
          "Version, bis sie migriert werden.", "success")
    return redirect(url_for(".table_edit", table_key=table_key))


@bp.route("/tabellen/<table_key>/vergleich")
@login_required
def table_compare(table_key: str):
    """Two versions of a table side by side, rule by rule, changed cells marked."""
    query = load(TableCompareQuery(), request.args.to_dict())
    versions, _users, _names = _versions(table_key)
    by_number = {v.version: v for v in versions}
    # Without a choice: the newest version against the one before it (or itself when there is only one).
    newest = versions[0].version
    old = by_number.get(query["alt"] or max(newest - 1, 1))
    new = by_number.get(query["neu"] or newest)
    if old is None or new is None:
        raise NotFound("Diese Version der Entscheidungstabelle gibt es nicht.")
    comparison = compare_tables(old.dmn_xml, new.dmn_xml)
    return render_template("definitions/table_compare.html", key=table_key, old=old, new=new, comparison=comparison)
