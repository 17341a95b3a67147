"""Login and logout (Flask-Login session, argon2 via the users service)."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.utils import login_url
from marshmallow import Schema, ValidationError, fields, validate

from engine.access import (
    ClaimMapping,
    DirectorySettings,
    LoginLocked,
    LoginPolicy,
    authenticate,
    authenticate_directory,
    change_own_password,
    has_totp,
    load_session_user,
)
from engine.errors import InvalidInput

from .deps import container, reader, uow
from .extensions import login_manager
from .login_user import LoginUser, safe_next
from .second_factor import begin_second_factor
from .security import is_background_request, start_session
from .sso import ID_TOKEN, provider_logout_url

__all__ = ["bp", "LoginUser"]

bp = Blueprint("auth", __name__)
login_manager.login_view = "auth.login"
login_manager.login_message = "Bitte melden Sie sich an."
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def _unauthorized():
    """Send a signed-out visitor to the login page; a page script's background request gets a bare 401.

    A page's scripts (the notification bell, the diagram) keep fetching after the session ended: their requests
    must not queue a second "please sign in" next to the timeout notice the page itself is about to show.
    """
    if is_background_request():
        return jsonify(ok=False, message=login_manager.login_message), 401
    if not session.get("_flashes"):
        flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


@login_manager.user_loader
def _load(user_id: str):
    # Read on every request: a deactivated user is refused at once, also in a session already open.
    if not user_id.isdigit():
        return None
    found = load_session_user(reader(), int(user_id), container().settings.require_totp)
    return LoginUser(*found) if found else None


# Reachable while a password change or the setup of a required second factor is pending.
_WHILE_PENDING = frozenset({"auth.change_password", "second_factor.setup", "auth.logout", "static", "favicon"})


def require_password_change():
    """Send a user whose password was reset to the change form, and a user whose role needs a second factor they
    have not set up to its setup, before anything else."""
    endpoint = request.endpoint or ""
    if endpoint in _WHILE_PENDING or endpoint.startswith(("health.", "metrics.")) or not current_user.is_authenticated:
        return None
    if getattr(current_user, "must_change_password", False):
        return redirect(url_for("auth.change_password"))
    if getattr(current_user, "must_set_up_totp", False):
        return redirect(url_for("second_factor.setup"))
    return None


class PasswordSchema(Schema):
    """The change form: the current password and the new one twice."""

    current = fields.String(load_default="")
    password = fields.String(required=True, validate=validate.Length(min=1, max=500),
                             error_messages={"required": "Bitte ein neues Passwort eingeben."})
    repeat = fields.String(load_default="")


@bp.route("/passwort", methods=["GET", "POST"])
@login_required
def change_password():
    """The signed-in user chooses a new password (required after a reset)."""
    errors = {}
    if request.method == "POST":
        try:
            data = PasswordSchema().load({k: v for k, v in request.form.items()
                                          if k in ("current", "password", "repeat") and v})
            if data["password"] != data["repeat"]:
                raise InvalidInput("", {"repeat": "Die beiden neuen Passwörter stimmen nicht überein."})
            change_own_password(uow(), current_user.actor, data["current"], data["password"])
        except ValidationError as err:
            errors = {k: v[0] for k, v in err.messages.items()}
        except InvalidInput as exc:
            errors = exc.errors
        else:
            flash("Ihr Passwort wurde geändert.", "success")
            return redirect(url_for("worklist.index"))
    return render_template("auth/password.html", errors=errors,
                           forced=current_user.must_change_password), (422 if errors else 200)


class LoginSchema(Schema):
    """Login form input."""

    username = fields.String(required=True, validate=validate.Length(
        min=1, max=80, error="Der Benutzername darf höchstens 80 Zeichen lang sein."),
        error_messages={"required": "Bitte Benutzernamen eingeben."})
    password = fields.String(required=True, validate=validate.Length(
        min=1, max=500, error="Das Passwort darf höchstens 500 Zeichen lang sein."),
        error_messages={"required": "Bitte Passwort eingeben."})


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    errors, username = {}, ""
    if request.method == "POST":
        try:
            data = LoginSchema().load({k: v for k, v in request.form.items() if k in ("username", "password") and v})
        except ValidationError as err:
            errors = {k: v[0] for k, v in err.messages.items()}
            username = request.form.get("username", "")
        else:
            username = data["username"]
            try:
                found = (_directory_sign_in(data["username"], data["password"])
                         or authenticate(uow(), data["username"], data["password"], request.remote_addr or "unbekannt",
                                         LoginPolicy.from_settings(container().settings)))
            except LoginLocked as exc:
                # Shown in the form, not as an error page: the user should see when to try again.
                return render_template("auth/login.html", errors={"_form": exc.message}, username=username), 429
            if found and has_totp(uow(), found.id):
                return begin_second_factor(found.id, request.args.get("next", ""))
            if found:
                login_user(LoginUser(found))
                start_session()
                return redirect(safe_next(request.args.get("next", "")))
            errors = {"_form": "Benutzername oder Passwort ist falsch."}
    return render_template("auth/login.html", errors=errors, username=username), (422 if errors else 200)


def _directory_sign_in(username: str, password: str):
    """The directory's verdict when LDAP is configured (None: not configured or not accepted there)."""
    settings = container().settings
    if not settings.ldap_url:
        return None
    directory = DirectorySettings(
        url=settings.ldap_url, base_dn=settings.ldap_base_dn, user_filter=settings.ldap_user_filter,
        bind_dn=settings.ldap_bind_dn, bind_password=settings.ldap_bind_password,
        group_attribute=settings.ldap_group_attribute, organisation_attribute=settings.ldap_organisation_attribute,
        municipalities_attribute=settings.ldap_municipalities_attribute)
    mapping = ClaimMapping(role_map=ClaimMapping.parse_role_map(settings.ldap_role_map),
                           create_users=settings.ldap_create_users)
    return authenticate_directory(uow(), directory, mapping, username, password, request.remote_addr or "unbekannt",
                                  LoginPolicy.from_settings(settings))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out."""
    logout_user()
    provider = provider_logout_url(session.pop(ID_TOKEN, None)) if ID_TOKEN in session else None
    flash("Sie wurden abgemeldet.", "info")
    # Signed in through the identity provider: end the session there too, or the next click signs in again.
    return redirect(provider or url_for("auth.login"))
