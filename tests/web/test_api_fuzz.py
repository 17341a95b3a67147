"""schemathesis against the live OpenAPI document: every operation, a token per role; no 5xx, no schema violation.

Deterministic (derandomised, few examples per operation) so the run stays well under a minute. Each generated
request is sent once as generated and once with the URL's case and task ids replaced by real ones of the test
world, so the documented 200 answers are checked too, not only the 404s of random ids.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from api_support import issue_token
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from engine.db import OpenTask
from journey import Driver
from support import add_user, intake_form

# Examples per operation; INTEGRAFLOW_FUZZ_EXAMPLES=200 for a longer hunt than CI's.
EXAMPLES = int(os.environ.get("INTEGRAFLOW_FUZZ_EXAMPLES", "8"))
ROLES = {"anna": "caseworker", "carla": "supervisor", "erik": "compliance", "adele": "admin", "paula": "privacy"}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(app):
    """The API's OpenAPI document as the app serves it."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def world_ids(container, world):
    """A token per role and a real case with an open task."""
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    with container.reader() as r:
        task_id = r.session.execute(select(OpenTask.id).where(OpenTask.case_id == case_id)).scalar_one()
    return {"tokens": {u: issue_token(container, u) for u in ROLES}, "case_id": case_id, "task_id": task_id}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document_for_every_role(case, world_ids):
    for token in world_ids["tokens"].values():
        headers = {"Authorization": f"Bearer {token}"}
        case.call_and_validate(headers=headers, checks=CHECKS)
        params = case.path_parameters or {}
        if "case_id" in params or "task_id" in params:
            real = {k: world_ids[k] for k in ("case_id", "task_id") if k in params}
            case.path_parameters = {**params, **real}
            case.call_and_validate(headers=headers, checks=CHECKS)
            case.path_parameters = params
