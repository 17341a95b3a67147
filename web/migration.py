"""Migrating running cases to another process version, and repairing errored cases (team leads, admins)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.authoring import (
    BATCH_LIMIT,
    errored_cases,
    migrate_cases,
    migrate_to_fixed_version,
    migration_preview,
    repair_view,
    reset_case,
    retry_case,
    revert_migration,
)
from engine.base import journey_key
from engine.errors import InvalidInput

from .deps import actor, container, reader, uow
from .schemas import load_args

bp = Blueprint("migration", __name__, url_prefix="/prozesse/migration")
PER_PAGE = 50
_SELECTION = r"^[0-9a-f-]{1,36}(:[0-9]{1,9})?$"


class PreviewQuery(Schema):
    """Filters of the impact preview."""

    class Meta:
        unknown = EXCLUDE

    to = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    migratable = fields.String(load_default="", validate=validate.OneOf(["", "ja", "nein"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    entwurf = fields.Boolean(load_default=False)


class MigrateForm(Schema):
    """The cases chosen on the preview ("id:version" as seen there) or every case that can move."""

    class Meta:
        unknown = EXCLUDE

    to = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    case = fields.List(fields.String(validate=validate.Regexp(_SELECTION)), load_default=list)
    all = fields.Boolean(load_default=False)


class ResetForm(Schema):
    """Reset to an earlier user task."""

    class Meta:
        unknown = EXCLUDE

    task_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    reason = fields.String(load_default="", validate=validate.Length(max=1000))
    case_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


class FixedVersionForm(Schema):
    """Move an errored case to a corrected version."""

    class Meta:
        unknown = EXCLUDE

    definition_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    case_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))


def _form(source) -> dict:
    data = {k: v for k, v in source.items() if k != "case"}
    if source.getlist("case"):
        data["case"] = source.getlist("case")
    return data


@bp.route("/<key>")
@login_required
def preview(key: str):
    """Impact preview: running cases on older versions, whether each can move to the target version and why not."""
    args = load_args(PreviewQuery(), request.args)
    with reader() as r:
        p = migration_preview(r, actor(), key, args["to"], draft=args["entwurf"])
    rows = [row for row in p.rows if (args["version"] is None or row.version == args["version"])
            and (args["migratable"] == "" or row.migratable == (args["migratable"] == "ja"))]
    page = rows[(args["page"] - 1) * PER_PAGE:args["page"] * PER_PAGE]
    return render_template("migration/preview.html", p=p, rows=page, total=len(rows), args=args,
                           batch=BATCH_LIMIT)


@bp.route("/<key>/migrieren", methods=["POST"])
@login_required
def migrate(key: str):
    """Migrate the selected cases (or every case that can move), each in its own transaction; show the result."""
    form = load_args(MigrateForm(), _form(request.form))
    if form["all"]:
        with reader() as r:
            p = migration_preview(r, actor(), key, form["to"])
        selection = [(row.process_id, row.case_version) for row in p.rows if row.migratable]
    else:
        selection = [(value.split(":")[0], int(value.split(":")[1]) if ":" in value else None)
                     for value in form["case"]]
    if not selection:
        raise InvalidInput("Bitte wählen Sie mindestens einen Fall aus.")
    result = migrate_cases(container().uow, actor(), key, form["to"], selection)
    return render_template("migration/result.html", key=key, to=form["to"], result=result)


@bp.route("/faelle/<case_id>/zuruecknehmen", methods=["POST"])
@login_required
def revert(case_id: str):
    """Move a migrated case back to the version it came from."""
    reference = revert_migration(uow(), actor(), case_id)
    flash(f"Die Migration von Fall {reference} wurde zurückgenommen.", "success")
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.route("/fehlerhafte-faelle")
@login_required
def errored():
    """Cases whose timer step or last task completion failed."""
    with reader() as r:
        rows = errored_cases(r, actor())
        key = journey_key(r.session)
    return render_template("migration/errored.html", rows=rows, journey_key=key)


@bp.route("/faelle/<case_id>/reparatur")
@login_required
def repair(case_id: str):
    """The repair page of one case: error on the diagram, retry, fixed version, reset."""
    with reader() as r:
        view = repair_view(r, actor(), case_id)
        return render_template("migration/repair.html", v=view, reset_values={}, reset_errors={})


@bp.route("/faelle/<case_id>/reparatur/wiederholen", methods=["POST"])
@login_required
def retry(case_id: str):
    """Retry after a fix: timers at the next sweep, a failed task by submitting it again."""
    what = retry_case(uow(), actor(), case_id)
    flash("Die Frist wird beim nächsten Fristenlauf erneut verarbeitet." if what == "timer" else
          "Der Fehler ist quittiert; die Aufgabe ist offen und kann erneut abgeschickt werden.", "success")
    return redirect(url_for(".repair", case_id=case_id))


@bp.route("/faelle/<case_id>/reparatur/version", methods=["POST"])
@login_required
def fixed_version(case_id: str):
    """Move an errored case to a corrected version."""
    form = load_args(FixedVersionForm(), request.form)
    migrate_to_fixed_version(uow(), actor(), case_id, form["definition_id"], form["case_version"])
    flash("Der Fall läuft jetzt auf der korrigierten Version.", "success")
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.route("/faelle/<case_id>/reparatur/zuruecksetzen", methods=["POST"])
@login_required
def reset(case_id: str):
    """Reset the case to an earlier user task; the reason is required (the page is shown again without one)."""
    form = load_args(ResetForm(), request.form)
    try:
        title = reset_case(uow(), actor(), case_id, form["task_id"], form["reason"], form["case_version"])
    except InvalidInput as exc:
        with reader() as r:
            view = repair_view(r, actor(), case_id)
            return render_template("migration/repair.html", v=view, reset_values=dict(request.form),
                                   reset_errors=exc.errors), 422
    flash(f"Der Fall wurde auf „{title}“ zurückgesetzt.", "success")
    return redirect(url_for("cases.detail", case_id=case_id))
