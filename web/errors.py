"""One place that turns engine errors and HTTP errors into German pages (never a traceback)."""
from __future__ import annotations

import logging
from dataclasses import asdict

from flask import render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import IntegraflowError

from .api import is_api_request, problem_for

log = logging.getLogger("integraflow.web")

HTTP_MESSAGES = {
    400: "Die Anfrage war fehlerhaft.",
    403: "Dafür fehlt Ihnen die Berechtigung.",
    404: "Die Seite wurde nicht gefunden.",
    405: "Diese Aktion ist hier nicht möglich.",
    413: "Die gesendeten Daten sind zu groß.",
    422: "Die Eingaben sind nicht gültig.",
}


def register(app) -> None:
    """Attach the error handlers to the app."""

    @app.errorhandler(IntegraflowError)
    def _domain(exc: IntegraflowError):
        if is_api_request():
            return problem_for(exc)
        if exc.status >= 500:
            log.error("workflow failure: %s", exc.message)
        return _page(exc.status, exc.message, getattr(exc, "problems", None))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return _page(400, "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und "
                          "senden Sie es erneut.")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if is_api_request():
            return problem_for(exc)
        return _page(exc.code or 500, HTTP_MESSAGES.get(exc.code, "Es ist ein Fehler aufgetreten."))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if is_api_request():
            return problem_for(exc)
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _page(500, "Es ist ein unerwarteter Fehler aufgetreten. Es wurde nichts halb gespeichert; "
                          "bitte versuchen Sie es erneut oder wenden Sie sich an die Administration.")


def _page(status: int, message: str, problems=None):
    if request.is_json:
        # The editors' JSON endpoints: the shape their scripts read (ok, message, problems with element ids).
        return {"ok": False, "message": message,
                "problems": [p if isinstance(p, dict) else asdict(p) for p in problems or ()]}, status
    return render_template("errors/error.html", status=status, message=message, back=_way_back()), status


def _way_back() -> tuple[str, str] | None:
    """Where to go on from an error (url, "case" | "previous"): the case it concerns, else the page the person came
    from (same site only)."""
    case_id = (request.view_args or {}).get("case_id")
    if case_id and request.endpoint != "cases.detail":
        return url_for("cases.detail", case_id=case_id), "case"
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url) and referrer.rstrip("/") != request.url.rstrip("/"):
        return referrer, "previous"
    return None
