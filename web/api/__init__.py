"""The REST API under /api/v1: flask-smorest on marshmallow schemas, bearer tokens, problem+json errors.

The API is another adapter over the same services as the pages: the access matrix (web/access_matrix.py) decides
who may call which endpoint, the services keep their own checks, and reads of a case land in the access log.
"""
from __future__ import annotations

from .auth import SlidingWindow, authenticate, is_api_request
from .problems import problem_for
from .spec import SPEC_OPTIONS, TITLE, VERSION, IntegraflowApi

__all__ = ["is_api_request", "problem_for", "register"]
# Requests per token and window (seconds); each worker process counts for itself.
RATE_LIMIT = (300, 60.0)


def register(app, csrf) -> None:
    """Mount /api/v1 on the app: token sign-in first, then the blueprints and the OpenAPI document."""
    from . import cases, deadlines, definitions, inbox, reference, reports, tasks, webhooks

    app.config.setdefault("API_TITLE", TITLE)
    app.config.setdefault("API_VERSION", VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    limit, window = app.config.get("API_RATE_LIMIT", RATE_LIMIT)
    app.extensions["integraflow_api_limit"] = SlidingWindow(limit, window)
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate)
    api = IntegraflowApi(app)
    for module in (cases, tasks, definitions, inbox, deadlines, reports, webhooks):
        api.register_blueprint(module.bp)
        csrf.exempt(module.bp)
    app.extensions["integraflow_api"] = api
    app.register_blueprint(reference.bp)  # the HTML reference: a plain blueprint, not part of the document
