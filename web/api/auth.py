"""Bearer-token sign-in for /api/v1, the token's scopes, and a per-token rate limit.

API requests never use the session cookie: a token is the only way in, which is also why the API needs no CSRF
token. A valid token makes its user the request's `current_user`, so the access matrix, the access log and the
services see the same actor as on the web pages.
"""
from __future__ import annotations

import threading
import time
from collections import deque

from flask import current_app, g, request

from engine.access import use_token

from ..auth import LoginUser
from ..deps import container
from ..extensions import login_manager
from .problems import problem

API_PREFIX = "/api/"
PUBLIC_PATHS = frozenset({"/api/v1/openapi.json", "/api/v1/docs"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints that need a scope of their own; otherwise reads need `read` and writes `work` (case work).
ENDPOINT_SCOPES: dict[str, str] = {"api_definitions.deploy": "deploy", "api_webhooks.index": "admin",
                                   "api_webhooks.register": "admin", "api_webhooks.resend": "admin"}


def is_api_request() -> bool:
    """Whether the request is for the REST API."""
    return request.path.startswith(API_PREFIX)


class SlidingWindow:
    """At most `limit` requests per token in any `window` seconds (in-process: each worker counts for itself)."""

    def __init__(self, limit: int, window: float, now=time.monotonic):
        self.limit, self.window, self.now = limit, window, now
        self._hits: dict[int, deque] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: int) -> int:
        """0 if the request may pass (and counts it), else the seconds until it would."""
        with self._lock:
            now = self.now()
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, int(hits[0] + self.window - now + 0.999))
            hits.append(now)
            return 0


def authenticate():
    """Before every API request: resolve the bearer token, check its scope and the rate limit."""
    if not is_api_request() or request.path in PUBLIC_PATHS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = use_token(container().uow(), token.strip()) if scheme.lower() == "bearer" and token else None
    if found is None:
        login_manager._update_request_context_with_user(None)  # anonymous, whatever the cookie says
        return problem(401, headers={"WWW-Authenticate": 'Bearer realm="integraflow"'})
    # Flask-Login's own hook for request loaders: the user for this request only, nothing in the session.
    login_manager._update_request_context_with_user(LoginUser(found.actor))
    g.api_token_id = found.token_id
    wait = current_app.extensions["integraflow_api_limit"].retry_after(found.token_id)
    if wait:
        return problem(429, f"Zu viele Anfragen mit diesem API-Zugang. Bitte in {wait} Sekunden erneut versuchen.",
                       headers={"Retry-After": str(wait)})
    needed = ENDPOINT_SCOPES.get(request.endpoint or "") or ("read" if request.method in READ_METHODS else "work")
    if needed not in found.scopes:
        return problem(403, f"Diesem API-Zugang fehlt der Bereich „{needed}“.")
    return None
