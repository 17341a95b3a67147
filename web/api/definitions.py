"""Process definitions in the API: every definition with its deployed versions (read)."""
from __future__ import annotations

from flask_smorest import Blueprint

from engine.authoring import definitions_overview

from ..deps import reader
from .schemas import Definition

bp = Blueprint("api_definitions", __name__, url_prefix="/api/v1", description="Prozesse und ihre Versionen")


@bp.route("/definitions")
@bp.response(200, Definition(many=True))
def index():
    """Every process definition with its deployed versions and the running cases per version."""
    with reader() as r:
        return [{"key": d.key, "name": d.name,
                 "versions": [{"id": v.id, "version": v.version, "name": v.name, "kind": v.kind,
                               "comment": v.comment, "running_cases": d.running.get(v.id, 0)}
                              for v in d.versions]}
                for d in definitions_overview(r.session)]
