"""Process definitions in the API: every definition with its deployed versions (read)."""
from __future__ import annotations

from flask_smorest import Blueprint

from engine.authoring import definitions_overview, deploy_file
from engine.casework import definition_xml

from ..deps import actor, reader, uow
from .definition_schemas import Definition, DefinitionVersion, DefinitionXml, DeployBody

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


@bp.route("/definitions/versions/<int:definition_id>")
@bp.response(200, DefinitionXml)
def version_xml(definition_id: int):
    """The BPMN XML of one deployed version (by its id from the list)."""
    with reader() as r:
        return {"id": definition_id, "bpmn_xml": definition_xml(r, actor(), min(definition_id, 2**31 - 1))}


@bp.route("/definitions/<key>/versions", methods=["POST"])
@bp.arguments(DeployBody)
@bp.response(201, DefinitionVersion)
def deploy(body, key: str):
    """Deploy BPMN XML as the next version of a process (team leads and admins; scope `deploy`): the editor's checks."""
    definition = deploy_file(uow(), key, body["bpmn_xml"].encode("utf-8"), body["comment"], actor().id)
    return {"id": definition.id, "version": definition.version, "name": definition.name, "kind": definition.kind,
            "comment": definition.comment, "running_cases": 0}
