"""Errors of the API as application/problem+json (RFC 9457): German `detail`, per-field `errors` on 422."""
from __future__ import annotations

import logging
import re
from dataclasses import asdict, is_dataclass
from http import HTTPStatus

from flask import jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from engine.errors import IntegraflowError, InvalidInput

log = logging.getLogger("integraflow.api")
CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Fehlerhafte Anfrage", 401: "Nicht angemeldet", 403: "Keine Berechtigung", 404: "Nicht gefunden",
    405: "Methode nicht erlaubt", 409: "Konflikt", 413: "Zu groß", 415: "Falscher Inhaltstyp",
    422: "Ungültige Eingaben", 429: "Zu viele Anfragen", 500: "Interner Fehler",
}
DETAILS = {
    400: "Die Anfrage war fehlerhaft.",
    401: "Bitte einen gültigen API-Zugang angeben (Authorization: Bearer …).",
    403: "Dafür fehlt Ihnen die Berechtigung.",
    404: "Die Ressource wurde nicht gefunden.",
    405: "Diese Methode ist hier nicht möglich.",
    413: "Die gesendeten Daten sind zu groß.",
    415: "Bitte die Daten als JSON senden (Content-Type: application/json).",
    422: "Die Eingaben sind nicht gültig.",
}
# marshmallow's English messages in the words the web forms use.
GERMAN = [
    (re.compile(r"^Missing data for required field"), "Pflichtangabe fehlt."),
    (re.compile(r"^Unknown field"), "Unbekanntes Feld."),
    (re.compile(r"^Field may not be null"), "Darf nicht leer sein."),
    (re.compile(r"^Not a valid integer"), "Keine gültige ganze Zahl."),
    (re.compile(r"^Not a valid (string|boolean|list|mapping)"), "Ungültiger Typ."),
    (re.compile(r"^Invalid input type"), "Ungültiger Typ."),
    (re.compile(r"^Must be one of: (.*)\.$"), r"Ungültiger Wert; erlaubt: \1."),
    (re.compile(r"^Must be (greater|less) than"), "Wert außerhalb des erlaubten Bereichs."),
    (re.compile(r"^(Length must|Shorter than|Longer than)"), "Ungültige Länge."),
]


class ProblemSchema(Schema):
    """An RFC 9457 problem document."""

    type = fields.String(metadata={"description": "Art des Problems (about:blank)"})
    title = fields.String(metadata={"description": "Kurzbeschreibung"})
    status = fields.Integer(metadata={"description": "HTTP-Status"})
    detail = fields.String(metadata={"description": "Erklärung auf Deutsch"})
    instance = fields.String(metadata={"description": "Der angefragte Pfad"})
    errors = fields.Dict(keys=fields.String(), values=fields.String(),
                         metadata={"description": "Meldung je Feld (bei 422)"})
    problems = fields.List(fields.Dict(), metadata={"description": "Befunde der BPMN-Prüfung (Bereitstellung)"})


def problem(status: int, detail: str | None = None, errors: dict | None = None, headers: dict | None = None,
            problems: list | None = None):
    """A problem+json response."""
    body = {"type": "about:blank", "title": TITLES.get(status, HTTPStatus(status).phrase), "status": status,
            "detail": detail or DETAILS.get(status, "Es ist ein Fehler aufgetreten."), "instance": request.path}
    if errors:
        body["errors"] = errors
    if problems:
        body["problems"] = problems
    response = jsonify(body)
    response.status_code = status
    response.mimetype = CONTENT_TYPE
    response.headers.update(headers or {})
    return response


def problem_for(exc: Exception):
    """The problem response for any exception raised while serving an API request."""
    if isinstance(exc, InvalidInput):
        found = [asdict(p) if is_dataclass(p) else p for p in getattr(exc, "problems", None) or ()]
        return problem(422, exc.message, {k: str(v) for k, v in exc.errors.items()}, problems=found)
    if isinstance(exc, IntegraflowError):
        if exc.status >= 500:
            log.error("workflow failure: %s", exc.message)
        return problem(exc.status, exc.message)
    if isinstance(exc, HTTPException):
        messages = (getattr(exc, "data", None) or {}).get("messages")
        if exc.code == 422 and messages:
            return problem(422, DETAILS[422], field_errors(messages))
        return problem(exc.code or 500, None, headers=dict(exc.get_headers()) if exc.code == 405 else None)
    log.exception("unexpected error on %s %s", request.method, request.path)
    return problem(500, "Es ist ein unerwarteter Fehler aufgetreten. Es wurde nichts halb gespeichert.")


def field_errors(messages, prefix: str = "") -> dict[str, str]:
    """webargs' nested messages ({location: {field: [msg]}}) as {field: German message}."""
    out: dict[str, str] = {}
    for key, value in (messages or {}).items():
        name = key if prefix == "" and key in ("json", "query", "form", "view_args") else f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(field_errors(value, "" if name in ("json", "query", "form", "view_args") else f"{name}."))
        else:
            out[name or "_schema"] = german(value[0] if isinstance(value, list) and value else str(value))
    return out


def german(message: str) -> str:
    """A marshmallow message in German (our own schemas already speak German)."""
    for pattern, text in GERMAN:
        if pattern.search(str(message)):
            return pattern.sub(text, str(message)) if "\\1" in text else text
    return str(message)
