"""The API reference as an HTML page, rendered on the server from the OpenAPI document (no scripts, our CSP)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("api_reference", __name__, url_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")


@bp.route("/docs")
def index():
    """Every operation with its parameters, body and answers, and every schema, from the live document."""
    spec = current_app.extensions["integraflow_api"].spec.to_dict()
    operations = [(path, method, op) for path, item in sorted(spec.get("paths", {}).items())
                  for method, op in item.items() if method in METHODS]
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("api/reference.html", spec=spec, operations=operations, schemas=schemas,
                           ref_name=_ref_name, body_schema=_body_schema, response_schema=_response_schema)


def _ref_name(schema: dict | None) -> str | None:
    """The component name a schema refers to (also through `items` of an array)."""
    if not schema:
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        inner = _ref_name(schema.get("items"))
        return f"{inner}[]" if inner else None
    return None


def _body_schema(op: dict) -> dict | None:
    content = (op.get("requestBody") or {}).get("content", {})
    return next(iter(content.values()), {}).get("schema") if content else None


def _response_schema(response: dict) -> dict | None:
    content = response.get("content", {})
    return next(iter(content.values()), {}).get("schema") if content else None
