"""The client's language on the case page: set it, translate a goal; the print form's language choice."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import login_required
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.errors import InvalidInput
from engine.reporting import AGREEMENT_LANGUAGES, LANGUAGE_LABELS, set_client_language, set_goal_translation

from .deps import actor, uow

bp = Blueprint("agreement_language", __name__)
CHOOSE = "Bitte eine Sprache aus der Liste wählen."


@bp.record_once
def _globals(state) -> None:
    state.app.jinja_env.globals.update(AGREEMENT_LANGUAGES=AGREEMENT_LANGUAGES, LANGUAGE_LABELS=LANGUAGE_LABELS)


class LanguageForm(Schema):
    """The client's language (a code the agreement is printed in)."""

    class Meta:
        unknown = EXCLUDE

    language = fields.String(required=True, validate=validate.OneOf(list(AGREEMENT_LANGUAGES), error=CHOOSE),
                             error_messages={"required": CHOOSE})


class PrintForm(Schema):
    """The language the agreement is printed in besides German (none: German only)."""

    class Meta:
        unknown = EXCLUDE

    language = fields.String(load_default=None, validate=validate.OneOf(list(AGREEMENT_LANGUAGES), error=CHOOSE))


class GoalTranslationForm(Schema):
    """A goal's text in the client's language (empty clears it)."""

    class Meta:
        unknown = EXCLUDE

    translation = fields.String(load_default="", validate=validate.Length(
        max=3000, error="Höchstens 3000 Zeichen."))
    language = fields.String(required=True, validate=validate.OneOf(list(AGREEMENT_LANGUAGES), error=CHOOSE),
                             error_messages={"required": CHOOSE})


def load_form(schema: Schema) -> dict:
    """The request's form through a schema; invalid input becomes the usual German error page."""
    try:
        # An empty choice means "not given" (German only); an empty translation clears it and is kept.
        return schema.load({k: v for k, v in request.form.items()
                            if k in schema.fields and (v != "" or k == "translation")})
    except ValidationError as exc:
        first = next(iter(exc.messages.values()))
        raise InvalidInput(first[0] if isinstance(first, list) else str(first),
                           {k: v[0] for k, v in exc.messages.items() if isinstance(v, list)}) from exc


@bp.route("/cases/<case_id>/sprache", methods=["POST"])
@login_required
def client_language(case_id: str):
    """Record the client's language; the case page then offers the agreement in it first."""
    data = load_form(LanguageForm())
    set_client_language(uow(), actor(), case_id, data["language"])
    flash(f"Sprache der Klientin / des Klienten: {LANGUAGE_LABELS[data['language']]}.", "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="plan"))


@bp.route("/cases/<case_id>/ziele/<goal_id>/uebersetzung", methods=["POST"])
@login_required
def goal_translation(case_id: str, goal_id: str):
    """Store a goal's translation into the client's language."""
    data = load_form(GoalTranslationForm())
    set_goal_translation(uow(), actor(), case_id, goal_id, data["translation"], data["language"])
    flash("Übersetzung des Ziels gespeichert." if data["translation"].strip() else "Übersetzung entfernt.",
          "success")
    return redirect(url_for("cases.detail", case_id=case_id, _anchor="plan"))
