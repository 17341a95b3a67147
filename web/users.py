"""Benutzerverwaltung (admin): list with last sign-in, create, change role/organisation/municipalities,
deactivate and reactivate, reset a password (the user must change it at the next sign-in)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.access import (
    create_user,
    list_users,
    remove_totp,
    reset_password,
    set_user_active,
    update_user,
    user_choices,
)
from engine.errors import InvalidInput, NotFound

from .deps import actor, reader, uow

bp = Blueprint("users", __name__, url_prefix="/admin/users")


class UserSchema(Schema):
    """The edit form: name, e-mail, role, organisation, municipalities served."""

    class Meta:
        unknown = EXCLUDE

    display_name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                                 error_messages={"required": "Bitte einen Namen angeben."})
    email = fields.String(load_default="", validate=validate.Length(max=200))
    role = fields.String(required=True, error_messages={"required": "Bitte eine Rolle wählen."})
    organisation_id = fields.Integer(required=True, error_messages={"required": "Bitte eine Organisation wählen.",
                                                                    "invalid": "Bitte eine Organisation wählen."})
    municipality_ids = fields.List(fields.Integer(), load_default=list)


class NewUserSchema(UserSchema):
    """The create form: the edit fields plus username and a first password."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=80),
                             error_messages={"required": "Bitte einen Benutzernamen angeben."})
    password = fields.String(required=True, validate=validate.Length(min=1, max=500),
                             error_messages={"required": "Bitte ein erstes Passwort angeben."})


def _form_data() -> dict:
    data = {k: v for k, v in request.form.items() if k != "municipality_ids" and v != ""}
    data["municipality_ids"] = request.form.getlist("municipality_ids")
    return data


def _parse(schema: Schema) -> dict:
    try:
        return schema.load(_form_data())
    except ValidationError as err:
        raise InvalidInput("Die Eingaben sind nicht gültig.",
                           {k: (v[0] if isinstance(v, list) else "Ungültige Auswahl.") for k, v in err.messages.items()}
                           ) from None


@bp.route("")
@login_required
def index():
    """All users with role, organisation, municipalities and last sign-in."""
    return render_template("users/index.html", users=list_users(reader(), actor()), choices=user_choices(reader()))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create a user; the first password is temporary (changed at the first sign-in)."""
    errors, status = {}, 200
    if request.method == "POST":
        try:
            data = _parse(NewUserSchema())
            choices = user_choices(reader())
            organisation = dict(choices.organisations).get(data["organisation_id"], "")
            create_user(uow(), data["username"], data["display_name"], data["role"], organisation, data["password"],
                        email=data["email"] or None, actor_id=actor().id, municipality_ids=data["municipality_ids"],
                        change_required=True)
        except InvalidInput as exc:
            errors, status = exc.errors or {"_form": exc.message}, 422
        else:
            flash(_("Der Benutzer wurde angelegt. Er muss das Passwort bei der ersten Anmeldung ändern."), "success")
            return redirect(url_for(".index"))
    return render_template("users/form.html", user=None, values=request.form, errors=errors,
                           choices=user_choices(reader())), status


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    """Change name, e-mail, role, organisation and municipalities served."""
    user = _row(user_id)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            data = _parse(UserSchema())
            update_user(uow(), actor(), user_id, data["display_name"], data["email"], data["role"],
                        data["organisation_id"], data["municipality_ids"])
        except InvalidInput as exc:
            errors, status = exc.errors or {"_form": exc.message}, 422
        else:
            flash(_("Die Änderungen wurden gespeichert."), "success")
            return redirect(url_for(".index"))
    return render_template("users/form.html", user=user, values=request.form if errors else None, errors=errors,
                           choices=user_choices(reader())), status


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@login_required
def deactivate(user_id: int):
    """Deactivate: refused at once, also in a session already open."""
    set_user_active(uow(), actor(), user_id, False)
    flash(_("Der Benutzer wurde deaktiviert."), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@login_required
def reactivate(user_id: int):
    """Reactivate a deactivated user."""
    set_user_active(uow(), actor(), user_id, True)
    flash(_("Der Benutzer wurde reaktiviert."), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:user_id>/password", methods=["POST"])
@login_required
def password(user_id: int):
    """Set a temporary password the user must change at the next sign-in."""
    try:
        reset_password(uow(), actor(), user_id, request.form.get("password", ""))
    except InvalidInput as exc:
        return render_template("users/form.html", user=_row(user_id), values=None, errors=exc.errors,
                               choices=user_choices(reader())), 422
    flash(_("Das Passwort wurde zurückgesetzt. Der Benutzer muss es bei der nächsten Anmeldung ändern."), "success")
    return redirect(url_for(".index"))


@bp.route("/<int:user_id>/totp/remove", methods=["POST"])
@login_required
def remove_second_factor(user_id: int):
    """Remove a lost second factor; the user sets up a new one."""
    remove_totp(uow(), actor(), user_id)
    flash(_("Der zweite Faktor wurde entfernt."), "success")
    return redirect(url_for(".edit", user_id=user_id))


def _row(user_id: int):
    for row in list_users(reader(), actor()):
        if row.id == user_id:
            return row
    raise NotFound("Diesen Benutzer gibt es nicht.")
