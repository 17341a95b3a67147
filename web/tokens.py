"""API-Zugänge: a person creates, lists and revokes their own personal API access tokens."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from engine.access import SCOPE_LABELS, create_token, revoke_token, tokens_of
from engine.errors import InvalidInput

from .deps import actor, reader, uow

bp = Blueprint("tokens", __name__, url_prefix="/api-zugaenge")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    """The person's tokens and the form for a new one; a new token is shown once, on this answer only."""
    errors, values, issued, status = {}, {"days": "90", "scopes": ["read"]}, None, 200
    if request.method == "POST":
        values = {"name": request.form.get("name", "")[:200], "days": request.form.get("days", ""),
                  "scopes": request.form.getlist("scopes")[:10]}
        try:
            days = int(values["days"])
        except ValueError:
            days = 0
        try:
            issued = create_token(uow(), actor().username, values["name"], values["scopes"], days, actor().id)
        except InvalidInput as exc:
            errors, status = exc.errors, 422
        else:
            values = {"days": "90", "scopes": ["read"]}
    with reader() as r:
        tokens = tokens_of(r, actor())
        now = r.clock.now()
    response = render_template("tokens/index.html", tokens=tokens, now=now, errors=errors, values=values,
                               issued=issued, scope_labels=SCOPE_LABELS)
    # The fresh token must not linger in a cache or the browser history.
    return response, status, {"Cache-Control": "no-store"}


@bp.route("/<int:token_id>/widerrufen", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of one's own tokens."""
    name = revoke_token(uow(), token_id, actor())
    flash(_("Der API-Zugang „%(name)s“ wurde widerrufen.", name=name), "success")
    return redirect(url_for(".index"))
