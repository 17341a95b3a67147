"""Cleaning every request's input at the boundary: control characters dropped, NUL never reaches a database.

PostgreSQL refuses NUL in text and JSON and SQLite keeps it silently; dropping NUL and the other control
characters (tabs and line breaks stay) from every form and query value makes both databases see the same text.
JSON bodies (the editors) cannot be rewritten transparently, so a NUL or a lone surrogate in them is refused.
"""
from __future__ import annotations

from flask import request
from werkzeug.datastructures import ImmutableMultiDict

from engine.errors import InvalidInput, NotFound
from engine.forms import strip_controls

DB_INT = 2**31 - 1  # ids are 32-bit integer columns on PostgreSQL
MESSAGE = "Die Eingaben enthalten unzulässige Steuerzeichen. Bitte entfernen Sie sie und senden Sie erneut."


def _clean(values: ImmutableMultiDict) -> ImmutableMultiDict:
    pairs = [(strip_controls(k), strip_controls(v) if isinstance(v, str) else v) for k, v in values.items(multi=True)]
    return ImmutableMultiDict(pairs)


def _bad_text(value) -> bool:
    """True for text PostgreSQL would refuse (NUL) or could not encode (a lone surrogate)."""
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_text(v) for v in value)
    return False


def clean_input():
    """before_request: replace form and query values by their cleaned text; refuse JSON carrying NUL.

    A path segment with control characters, or a number beyond the database's integer, names nothing that exists: 404.
    """
    for value in (request.view_args or {}).values():
        if (isinstance(value, str) and strip_controls(value) != value) or (isinstance(value, int) and value > DB_INT):
            raise NotFound("Die Seite wurde nicht gefunden.")
    request.args = _clean(request.args)
    if request.method in ("POST", "PUT", "PATCH"):
        if request.is_json:
            if _bad_text(request.get_json(silent=True)):
                raise InvalidInput(MESSAGE)
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            request.form = _clean(request.form)
