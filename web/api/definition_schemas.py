"""The API's process definitions: versions, their BPMN, and the body of a deployment."""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class DefinitionVersion(Schema):
    """One deployed version of a process definition."""

    id = fields.Integer()
    version = fields.Integer()
    name = fields.String()
    kind = fields.String()
    comment = fields.String(allow_none=True)
    running_cases = fields.Integer()


class DefinitionXml(Schema):
    """The BPMN XML of a deployed version."""

    id = fields.Integer()
    bpmn_xml = fields.String()


class DeployBody(Schema):
    """A new version: the BPMN XML and the change comment the version list shows."""

    class Meta:
        unknown = EXCLUDE

    bpmn_xml = fields.String(required=True, validate=validate.Length(min=1, max=2_000_000))
    comment = fields.String(required=True, validate=validate.Length(min=1, max=500))


class Definition(Schema):
    """A process definition with its deployed versions (newest first)."""

    key = fields.String()
    name = fields.String()
    versions = fields.List(fields.Nested(DefinitionVersion))
