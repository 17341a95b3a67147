"""Writes the access log after every request on a case URL (views, downloads, refused attempts)."""
from __future__ import annotations

import logging

from flask import request
from flask_login import current_user

from engine.privacy import log_access

from .access_matrix import MATRIX
from .deps import container

log = logging.getLogger("integraflow.web")
# What a case URL's endpoint means in the log; other GETs are views, other POSTs changes.
ACTIONS = {"cases.detail": "view", "tasks.form": "task", "reports.agreement_pdf": "download",
           "reports.print_agreement": "print", "privacy.export_json": "export", "privacy.export_pdf": "export",
           "privacy.rectify": "rectify", "api_cases.detail": "view", "api_tasks.detail": "task",
           "api_cases.events": "view", "documents.download": "download"}


def register(app) -> None:
    """Attach the logger to the app (runs after the response is built, also for refusals)."""
    app.after_request(_log_case_access)


def _log_case_access(response):
    endpoint = request.endpoint
    rule = MATRIX.get(endpoint or "")
    case_id = (request.view_args or {}).get("case_id")
    if rule is None or not rule.case or case_id is None or not current_user.is_authenticated:
        return response
    action = ACTIONS.get(endpoint, "view" if request.method in ("GET", "HEAD") else "change")
    outcome = {401: "refused", 403: "refused", 404: "not_found"}.get(response.status_code, "ok")
    try:
        # Its own short transaction after the read: one INSERT, whatever the view did.
        log_access(container().uow(), current_user.actor.id, str(case_id)[:36], action, outcome,
                   request.full_path.rstrip("?"))
    except Exception:  # noqa: BLE001 - the page was served; a failed log line must be seen by operators
        log.exception("access log write failed for %s", request.path)
    return response
