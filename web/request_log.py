"""One log line per request (request id, user id, endpoint, method, status, duration) and the X-Request-ID header.

Never a path, query string or form value: those carry case ids, names and search terms. With
INTEGRAFLOW_LOG_FORMAT=json every `integraflow.*` log record is one JSON object per line.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request

log = logging.getLogger("integraflow.request")
# A proxy's id is kept when it looks like an id; anything else (or nothing) gets a fresh one.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FIELDS = ("request_id", "user_id", "endpoint", "method", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time, level, logger, message and the request fields it carries."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        line.update({k: getattr(record, k) for k in FIELDS if getattr(record, k, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Stamps the current request's id on every record logged while it runs (errors, warnings, …)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None and has_request_context():
            record.request_id = g.get("request_id")
        return True


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a test runner swaps it), or to a given stream."""

    @property
    def stream(self):
        return self._given or sys.stderr

    @stream.setter
    def stream(self, value):
        self._given = None if value is sys.stderr else value


def configure_logging(log_format: str, stream=None) -> None:
    """Route `integraflow.*` records: JSON lines to stderr (only there), or plain text.

    Plain text goes to the root logger's handlers when there are any (`integraflow serve`, a test runner) and to
    stderr otherwise (gunicorn). A later call replaces what an earlier one installed.
    """
    logger = logging.getLogger("integraflow")
    # A library configuring logging with dictConfig/fileConfig (Alembic's env.py does) disables every logger that
    # existed before: ours must live — all of them, not only the request log (integraflow.web reports failures).
    for name in ["integraflow", "integraflow.request", *list(logging.root.manager.loggerDict)]:
        if name == "integraflow" or name.startswith("integraflow."):
            logging.getLogger(name).disabled = False
    logging.getLogger("integraflow.request").setLevel(logging.NOTSET)
    for handler in [h for h in logger.handlers if getattr(h, "_integraflow", False)]:
        logger.removeHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = log_format != "json"
    if log_format != "json" and stream is None and logging.getLogger().handlers:
        return
    handler = _StderrHandler(stream)
    handler._integraflow = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s", defaults={"request_id": "-"}))
    logger.addHandler(handler)


def register(app) -> None:
    """Give every request an id and log it when the response leaves."""
    configure_logging(app.extensions["integraflow"].settings.log_format)
    app.before_request(_begin)
    app.after_request(_finish)


def _begin():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response):
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    if request.endpoint == "static":
        return response
    started = g.get("request_started")
    # The user the request already loaded (never a fresh database read here, which could fail after the fact).
    user = g.get("_login_user")
    user_id = int(user.id) if user is not None and user.is_authenticated else None
    fields = {"request_id": request_id, "user_id": user_id, "endpoint": request.endpoint or "unbekannt",
              "method": request.method, "status": response.status_code,
              "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None}
    log.info("%s %s %s %s", fields["method"], fields["endpoint"], fields["status"],
             fields["duration_ms"], extra=fields)
    return response
