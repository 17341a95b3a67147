"""flask-smorest's Api, documenting every error as application/problem+json with the problem schema."""
from __future__ import annotations

import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response

from .problems import CONTENT_TYPE, ProblemSchema

TITLE = "Integraflow API"
VERSION = "v1"
SPEC_OPTIONS = {
    "info": {"description": "Fälle, Aufgaben und Prozesse des Integrationsmanagements. Anmeldung mit einem "
                            "persönlichen API-Zugang: Authorization: Bearer ifl_… (anlegen unter „API-Zugänge“)."},
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
}


class IntegraflowApi(Api):
    """The API object: errors in the spec are problem documents, as the error handler sends them."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Fehler (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, CONTENT_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
