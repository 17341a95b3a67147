"""The Prozesse blueprint and what its two halves (processes, forms) share: the body limit and problem lists."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, request

from engine.errors import IntegraflowError
from engine.workflow import MAX_BYTES

bp = Blueprint("definitions", __name__, url_prefix="/prozesse")
# A JSON body carries the XML escaped, so it may be somewhat larger than the XML limit itself.
BODY_LIMIT = 2 * MAX_BYTES + 64 * 1024


class TooLarge(IntegraflowError):
    """A request body over the limit; refused from its Content-Length before anything is read."""

    status = 413


def limit_body():
    """Allow BPMN-sized bodies on the Prozesse endpoints only; refuse larger ones from their length, unread.

    Registered on the app before CSRF protection, which parses form bodies (uploads) under the app-wide limit.
    """
    if request.blueprint != "definitions":
        return
    request.max_content_length = BODY_LIMIT  # enforced while reading, also for bodies without a length
    if request.content_length is not None and request.content_length > BODY_LIMIT:
        raise TooLarge(f"Die gesendeten Daten sind zu groß (erlaubt sind {MAX_BYTES // (1024 * 1024)} MB BPMN).")


def problems_json(problems) -> list[dict]:
    """Lint problems as the editor scripts expect them."""
    return [asdict(p) for p in problems]
