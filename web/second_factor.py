"""Second factor (TOTP): the code after the password, and setting up one's authenticator app."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user

from engine.access import (
    LoginLocked,
    LoginPolicy,
    enrol_totp,
    load_session_user,
    new_totp_secret,
    totp_uri,
    verify_totp,
)
from engine.errors import InvalidInput

from .deps import container, uow
from .login_user import LoginUser, safe_next
from .security import start_session

bp = Blueprint("second_factor", __name__)
PENDING = "totp_pending"
SETUP = "totp_setup_secret"
PENDING_SECONDS = 300


def begin_second_factor(user_id: int, next_url: str):
    """The password was right: remember who is half signed in and ask for the code."""
    session[PENDING] = {"user_id": user_id, "at": container().clock.now().timestamp(), "next": next_url}
    return redirect(url_for("second_factor.verify"))


@bp.route("/login/zweiter-faktor", methods=["GET", "POST"])
def verify():
    """Ask for the six-digit code; sign in when it is right."""
    pending = session.get(PENDING)
    if not pending or container().clock.now().timestamp() - pending["at"] > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash("Bitte melden Sie sich erneut an.", "info")
        return redirect(url_for("auth.login"))
    error = None
    if request.method == "POST":
        try:
            ok = verify_totp(uow(), pending["user_id"], request.form.get("code", ""),
                             request.remote_addr or "unbekannt", LoginPolicy.from_settings(container().settings))
        except LoginLocked as exc:
            session.pop(PENDING, None)
            return render_template("auth/login.html", errors={"_form": exc.message}, username=""), 429
        found = load_session_user(uow(), pending["user_id"], container().settings.require_totp) if ok else None
        if found:
            session.pop(PENDING, None)
            login_user(LoginUser(*found))
            start_session()
            return redirect(safe_next(pending.get("next", "")))
        error = "Der Code ist falsch oder abgelaufen."
    return render_template("auth/second_factor.html", error=error), (422 if error else 200)


@bp.route("/zwei-faktor", methods=["GET", "POST"])
@login_required
def setup():
    """Set up the authenticator app: show a new secret, confirm it with a first code."""
    if SETUP not in session or request.method == "GET":
        session[SETUP] = new_totp_secret()
    secret, errors = session[SETUP], {}
    if request.method == "POST":
        try:
            enrol_totp(uow(), current_user.actor, secret, request.form.get("code", ""))
        except InvalidInput as exc:
            errors = exc.errors
        else:
            session.pop(SETUP, None)
            flash("Der zweite Faktor ist eingerichtet. Bei der nächsten Anmeldung fragt Integraflow nach dem Code.",
                  "success")
            return redirect(url_for("worklist.index"))
    return render_template("auth/totp_setup.html", secret=secret, uri=totp_uri(secret, current_user.actor.username),
                           errors=errors, required=current_user.must_set_up_totp), (422 if errors else 200)
