"""URLs of one endpoint for the many rows of a list page: url_for runs once, the rows only fill in their values.

url_for costs 10–20 µs (URL map lookup, defaults, quoting); a worklist page of 50 tasks built about 170 of them.
"""
from __future__ import annotations

import re

from flask import Flask, url_for
from werkzeug.routing import BuildError

_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")  # what url_for leaves as it is in a path segment


class UrlPattern:
    """The URL of `endpoint` with the given path arguments left open; call it with their values."""

    __slots__ = ("endpoint", "_pieces")

    def __init__(self, endpoint: str, names: tuple[str, ...]):
        self.endpoint = endpoint
        marks = {f"iflow-{index}-mark": name for index, name in enumerate(names)}
        try:
            url = url_for(endpoint, **{name: mark for mark, name in marks.items()})
        except (BuildError, ValueError):
            self._pieces = None  # a typed argument (int, uuid) refuses the marks: url_for for every row
            return
        # Literal text and argument names alternating, so one value can never be taken for another's mark.
        self._pieces = [marks.get(piece, piece) if i % 2 else piece
                        for i, piece in enumerate(re.split(r"(iflow-\d+-mark)", url))]

    def __call__(self, **values) -> str:
        """The URL for these values (url_for's own answer for values it would have to quote)."""
        pieces = self._pieces
        if pieces is None:
            return url_for(self.endpoint, **values)
        parts = []
        for i, piece in enumerate(pieces):
            if i % 2:
                piece = str(values[piece])
                if not _PLAIN.fullmatch(piece):
                    return url_for(self.endpoint, **values)
            parts.append(piece)
        return "".join(parts)


def url_pattern(endpoint: str, *names: str) -> UrlPattern:
    """A UrlPattern for a template's loop: `{% set task_url = url_pattern('tasks.form', 'case_id', 'task_id') %}`."""
    return UrlPattern(endpoint, names)


def register(app: Flask) -> None:
    """Offer url_pattern to the templates."""
    app.jinja_env.globals["url_pattern"] = url_pattern
