"""The Flask adapter: app factory, blueprints, error pages. Business logic lives in engine/."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, request, session
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.bootstrap import Container, bootstrap
from engine.config import Settings

from .extensions import babel, csrf, login_manager

LANGUAGES = ("de", "en")


def create_app(config: dict | None = None, container: Container | None = None) -> Flask:
    """Build the app; tests pass config overrides and/or a container with fakes."""
    app = Flask(__name__, instance_path=str(Path.cwd() / "instance"))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("INTEGRAFLOW_SECURE_COOKIES") == "1",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="de",
        BABEL_DEFAULT_TIMEZONE="Europe/Berlin",
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("INTEGRAFLOW_SECRET_KEY") or _instance_secret(app)
    app.extensions["integraflow"] = container or bootstrap(Settings(**app.config.get("INTEGRAFLOW_SETTINGS", {})))
    hops = app.extensions["integraflow"].settings.proxy_hops
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from .definitions import limit_body
    from .request_log import register as log_requests

    log_requests(app)  # first, so the request id exists before any other hook can fail
    from .request_reader import register as share_readers

    share_readers(app)

    app.before_request(limit_body)  # before CSRF protection reads an upload's form body
    from .documents import limit_upload_body

    app.before_request(limit_upload_body)  # case documents (issue 18) may be larger than the app-wide limit
    from .input_guard import clean_input

    app.before_request(clean_input)  # NUL and control characters never reach a service
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    from .template_gettext import install as cache_template_translations

    cache_template_translations(app)

    from . import (
        accessibility,
        admin,
        audit,
        auth,
        caseload,
        cases,
        compliance,
        deadlines,
        definitions,
        documents,
        errors,
        filters,
        health,
        inbox,
        metrics,
        migration,
        organisations,
        privacy,
        reports,
        second_factor,
        sso,
        tasks,
        tokens,
        url_patterns,
        users,
        webhooks,
        worklist,
    )
    from .access_log import register as log_case_access
    from .access_matrix import register as enforce_access_matrix
    from .agreement_language import bp as agreement_language_bp
    from .handover import bp as handover_bp
    from .security import register as register_security

    for module in (auth, worklist, cases, tasks, inbox, deadlines, admin, compliance, audit, reports, migration,
                   privacy, definitions, accessibility, caseload, tokens, webhooks, health, metrics,
                   second_factor, sso, users, organisations, documents):
        app.register_blueprint(module.bp)
    documents.register(app)
    app.register_blueprint(handover_bp)  # Fallübergabe (issue 7)
    app.register_blueprint(agreement_language_bp)  # Zielvereinbarung in der Sprache der Klientin (issue 18)
    from . import appointments, network

    app.register_blueprint(network.bp)  # Netzwerkpartner und Vermittlungen (issue 18)
    app.register_blueprint(appointments.bp)  # Termine, Meine Woche, Kalender-Abonnement (issue 18)
    metrics.register(app)
    sso.register(app)
    app.jinja_env.globals["sso_enabled"] = sso.enabled
    from .api import register as register_api

    register_api(app, csrf)  # REST API (issue 16); before the error handlers, which must override flask-smorest's
    errors.register(app)
    enforce_access_matrix(app)
    app.before_request(auth.require_password_change)
    log_case_access(app)
    filters.register(app)
    url_patterns.register(app)
    register_security(app)
    app.add_url_rule("/favicon.ico", "favicon", lambda: app.send_static_file("favicon.svg"))
    app.before_request(_apply_locale)
    app.jinja_env.globals["lang_url"] = _lang_url
    return app


def _instance_secret(app: Flask) -> str:
    # A per-installation secret kept in the instance folder, so sessions survive restarts without configuration.
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _select_locale() -> str:
    wanted = request.args.get("lang")
    if wanted in LANGUAGES:
        session["lang"] = wanted
    return session.get("lang", "de")


def _apply_locale() -> None:
    # Resolve the locale before anything renders, so <html lang> and redirects honour ?lang= at once.
    get_locale()


def _lang_url(code: str) -> str:
    """The current page in another language, keeping its query string."""
    args = request.args.to_dict()
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"

