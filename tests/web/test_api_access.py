"""Every API route × every role and a foreign tenant, generated from the URL map and checked against the matrix."""
from __future__ import annotations

import pytest
from api_support import ApiClient, issue_token
from sqlalchemy import func, select

from engine.db import Case, Event, OpenTask
from report_data import served_household
from support import add_user, intake_form
from web.access_matrix import PUBLIC, READ_METHODS, allowed

# The user of each role in the test world; dora is a caseworker of organisation B, the foreign tenant.
USERS = {"anna": "caseworker", "carla": "supervisor", "erik": "compliance", "adele": "admin", "paula": "privacy",
         "dora": "caseworker"}
CLIENT_NAME = "Haddad"


@pytest.fixture
def data(container, world):
    """Organisation A's served case and a fresh case with an open task."""
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    drive, case_id, _ = served_household(container, world)
    fresh = drive.open(world.anna, intake_form(world.town_a, last_name="Haddad-Neu"))
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.case_id == fresh)).scalars().first()
    return {"case_id": case_id, "task_id": task.id, "task_case": fresh}


def api_requests(app):
    """(endpoint, method, rule) for every API route and method of the URL map, the public reference left out."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in PUBLIC:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.endpoint, method, rule


def _url(rule, data: dict) -> str:
    values = {"case_id": data["task_case"] if "task_id" in rule.arguments else data["case_id"],
              "task_id": data["task_id"], "reminder_id": 1, "definition_id": 1, "key": "client_journey",
              "delivery_id": 1}
    missing = rule.arguments - values.keys()
    assert not missing, f"{rule.endpoint}: no test value for URL argument(s) {sorted(missing)}"
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def _writes(container) -> int:
    with container.reader() as r:
        return r.session.execute(select(func.count()).select_from(Event).where(
            Event.kind.notlike("api_token_%"))).scalar_one()


@pytest.mark.parametrize("username", list(USERS))
def test_every_api_route_answers_each_role_as_the_matrix_says(app, container, data, username):
    client, role, problems = ApiClient(app, issue_token(container, username)), USERS[username], []
    for endpoint, method, rule in api_requests(app):
        url = _url(rule, data)
        before = _writes(container)
        response = client.open(url, method=method, json={})
        status, seen, foreign = response.status_code, f"{username} {method} {url} → ", username == "dora"
        if status >= 500:
            problems.append(seen + f"{status} (server error)")
        elif status >= 400 and response.content_type != "application/problem+json":
            problems.append(seen + f"{status} as {response.content_type}, expected a problem document")
        elif not allowed(endpoint, method, role):
            if status != 403 or _writes(container) != before:
                problems.append(seen + f"{status}, expected 403 and nothing written")
        elif foreign and ("case_id" in rule.arguments or "task_id" in rule.arguments):
            if status != 404 or _writes(container) != before:
                problems.append(seen + f"{status}, expected 404 for another organisation's case")
        elif method in READ_METHODS and status != 200:
            problems.append(seen + f"{status}, expected 200")
        if foreign and CLIENT_NAME in response.get_data(as_text=True):
            problems.append(seen + "shows organisation A's client name")
    assert problems == []


def test_every_api_route_wants_a_token(app, client, data):
    for _endpoint, method, rule in api_requests(app):
        response = client.open(_url(rule, data), method=method, json={})
        assert response.status_code == 401 and response.content_type == "application/problem+json", rule.rule


def test_a_foreign_case_is_not_written_through_the_api(app, container, world, data):
    client = ApiClient(app, issue_token(container, "dora"))
    before = _writes(container)
    assert client.post(f"/api/v1/cases/{data['case_id']}/notes", json={"text": "fremd"}).status_code == 404
    assert _writes(container) == before


def test_after_consent_withdrawal_api_writes_are_refused_like_the_page(app, container, signed_in, data):
    from engine.db import ConsentRecord

    case_id = data["case_id"]
    with container.reader() as r:
        record = r.session.execute(select(ConsentRecord.id).where(ConsentRecord.case_id == case_id)).scalar()
        version = r.session.get(Case, case_id).version
    page = signed_in("anna").post(f"/cases/{case_id}/einwilligungen/{record}/widerruf",
                                  data={"withdrawn_on": "2026-01-15", "version": version})
    assert page.status_code == 302
    client = ApiClient(app, issue_token(container, "anna"))
    response = client.post(f"/api/v1/cases/{case_id}/notes", json={"text": "trotzdem"})
    assert response.status_code == 403 and "Einwilligung" in response.json["detail"]
    assert client.get(f"/api/v1/cases/{case_id}").json["restricted"] is True
