"""Health for load balancers and orchestration: `/healthz` (the process answers) and `/readyz` (it can serve).

No login and no personal data: only check names and their outcome.
"""
from __future__ import annotations

from flask import Blueprint, jsonify

from engine.operations import check_readiness

from .deps import container

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def alive():
    """The process is alive (touches nothing else)."""
    return jsonify(status="ok")


@bp.route("/readyz")
def ready():
    """Database reachable, schema at the newest migration, scheduler heartbeat recent; 503 otherwise."""
    result = check_readiness(container())
    body = jsonify(status="ok" if result.ready else "nicht bereit", checks=result.checks)
    body.headers["Cache-Control"] = "no-store"
    return body, (200 if result.ready else 503)
