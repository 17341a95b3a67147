"""Single sign-on with OpenID Connect (Authlib): the button on the login page, the provider's callback, and
signing out at the provider too. Off unless INTEGRAFLOW_OIDC_ISSUER is set; local passwords keep working.
"""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import login_user

from engine.access import ClaimMapping, load_session_user, sign_in_external

from .deps import container, uow
from .login_user import LoginUser, safe_next
from .security import start_session

bp = Blueprint("sso", __name__)
ID_TOKEN = "oidc_id_token"


def register(app) -> None:
    """Configure the provider's client when single sign-on is on."""
    settings = app.extensions["integraflow"].settings
    if not settings.oidc_issuer:
        return
    oauth = OAuth(app)
    oauth.register("oidc", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret or None,
                   server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": settings.oidc_scopes})
    app.extensions["integraflow_oidc"] = oauth.oidc
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.oidc_issuer))

    @app.after_request
    def _allow_provider_logout(response):
        # Signing out is a form post answered by a redirect to the provider's end-session page: the CSP's
        # form-action must name the provider, or the browser stops the redirect.
        csp = response.headers.get("Content-Security-Policy", "")
        response.headers["Content-Security-Policy"] = csp.replace("form-action 'self'", f"form-action 'self' {origin}")
        return response


def enabled() -> bool:
    """Whether the login page offers single sign-on."""
    return "integraflow_oidc" in current_app.extensions


def _client():
    if not enabled():
        abort(404)
    return current_app.extensions["integraflow_oidc"]


def mapping_from(settings) -> ClaimMapping:
    """The claim mapping the installation configured."""
    return ClaimMapping(username_claim=settings.oidc_username_claim, groups_claim=settings.oidc_groups_claim,
                        organisation_claim=settings.oidc_organisation_claim,
                        municipalities_claim=settings.oidc_municipalities_claim,
                        role_map=ClaimMapping.parse_role_map(settings.oidc_role_map),
                        create_users=settings.oidc_create_users)


@bp.route("/login/sso")
def start():
    """Send the browser to the identity provider."""
    session["sso_next"] = request.args.get("next", "")
    return _client().authorize_redirect(url_for("sso.callback", _external=True))


@bp.route("/login/sso/callback")
def callback():
    """The provider sends the browser back: verify the ID token, map its claims, sign in (or refuse)."""
    token = _client().authorize_access_token()
    claims = dict(token.get("userinfo") or {})
    settings = container().settings
    actor = sign_in_external(uow(), claims, mapping_from(settings))
    found = load_session_user(uow(), actor.id, settings.require_totp)
    login_user(LoginUser(*found))
    start_session()
    session[ID_TOKEN] = token.get("id_token")
    return redirect(safe_next(session.pop("sso_next", "")))


def provider_logout_url(id_token: str | None) -> str | None:
    """Where to end the session at the provider too (None when it offers no end-session endpoint)."""
    if not enabled():
        return None
    client = current_app.extensions["integraflow_oidc"]
    endpoint = client.load_server_metadata().get("end_session_endpoint")
    if not endpoint:
        return None
    params = {"post_logout_redirect_uri": url_for("auth.login", _external=True), "client_id": client.client_id}
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
