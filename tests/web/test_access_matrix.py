"""Every route of the URL map × every role and a foreign tenant, checked against the access matrix."""
from __future__ import annotations

import html
from pathlib import Path

import pytest
from sqlalchemy import func, select

from document_files import PDF
from engine.base import ROLE_LABELS
from engine.db import Case, ConsentRecord, Event, Goal, OpenTask, TargetAgreementDocument
from engine.documents import Upload, upload_document
from engine.network import save_partner
from report_data import served_household
from support import add_user, count_rows, intake_form
from web.access_matrix import MATRIX, PUBLIC, READ_METHODS, ROLES, allowed, markdown_table, refusal

README = Path(__file__).resolve().parents[2] / "README.md"
# The user of each role in the test world; dora is a caseworker of organisation B, the foreign tenant.
USERS = {"anna": "caseworker", "carla": "supervisor", "erik": "compliance", "adele": "admin", "paula": "privacy",
         "dora": "caseworker"}
CLIENT_NAME = "Haddad"


def _text(response) -> str:
    return html.unescape(response.get_data().decode("utf-8", errors="replace"))


@pytest.fixture
def fixture_data(container, world, signed_in):
    """Organisation A's served case (with a printed Zielvereinbarung), an open task, an admin user."""
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    _drive, case_id, _ = served_household(container, world)
    assert signed_in("anna").post(f"/cases/{case_id}/zielvereinbarung").status_code == 302
    fresh = _drive.open(world.anna, intake_form(world.town_a, last_name="Haddad-Neu"))
    with container.reader() as r:
        task = r.session.execute(select(OpenTask).where(OpenTask.case_id == fresh)).scalars().first()
        definition_id = r.session.get(Case, case_id).definition_id
        record_id = r.session.execute(select(ConsentRecord.id).where(ConsentRecord.case_id == case_id)).scalar_one()
        goal_id = r.session.execute(select(Goal.id).where(Goal.case_id == case_id)).scalars().first()
    document_id = upload_document(container.uow(), container.documents, case_id, {"category": "proof"},
                                  Upload("nachweis.pdf", PDF), world.anna)
    partner_id = save_partner(container.uow(), world.carla, {"kind": "jobcenter", "name": "Jobcenter Testkreis"})
    return {"goal_id": goal_id,
            "case_id": case_id, "task_id": task.id, "task_case": fresh, "definition_id": definition_id,
            "record_id": record_id, "user_id": world.ben.id,
            "municipality_id": world.town_a, "document_id": document_id,
            "partner_id": partner_id}


def _url(rule, data: dict) -> str:
    """The rule's URL with its placeholders filled from the fixture data (a new placeholder needs a value here)."""
    values = {"case_id": data["task_case"] if "task_id" in rule.arguments else data["case_id"],
              "task_id": data["task_id"], "definition_id": data["definition_id"], "version": 1, "mail_id": 1,
              "reminder_id": "1", "fmt": "csv", "name": "verstoesse", "filename": "favicon.svg",
              "key": "client_journey", "record_id": data["record_id"], "form_id": "contact", "token_id": 1,
              "endpoint_id": 1, "delivery_id": 1, "user_id": data["user_id"],
              "municipality_id": data["municipality_id"], "document_id": data["document_id"],
              "goal_id": data["goal_id"],
              "partner_id": data["partner_id"], "referral_id": 1,
              "appointment_id": "00000000-0000-0000-0000-000000000000",
              "table_key": "review_interval"}
    missing = rule.arguments - values.keys()
    assert not missing, f"{rule.endpoint}: no test value for URL argument(s) {sorted(missing)}"
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


def _requests(app):
    """(endpoint, method, rule) for every page route and method (the API's: tests/web/test_api_access.py)."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, rule


def _writes(container) -> int:
    with container.reader() as r:
        return r.session.execute(select(func.count()).select_from(Event)).scalar_one()


def test_every_route_has_a_rule_and_every_rule_a_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - PUBLIC - MATRIX.keys() == set(), "routes without an entry in web/access_matrix.py"
    assert MATRIX.keys() - endpoints == set(), "entries in web/access_matrix.py without a route"
    for endpoint, method, _rule in _requests(app):
        if endpoint not in PUBLIC:
            rule = MATRIX[endpoint]
            assert rule.get if method in READ_METHODS else rule.post, f"{method} {endpoint}: nobody may use it"


def test_a_route_missing_from_the_matrix_is_refused(app, signed_in):
    app.add_url_rule("/neu-ohne-regel", "unlisted", lambda: "geheim")
    response = signed_in("erik").get("/neu-ohne-regel")
    assert response.status_code == 403 and "geheim" not in _text(response)
    assert "Berechtigung" in _text(response)


def _check(app, container, signed_in, username: str, data: dict) -> list[str]:
    """Send every route's request as one user; return the violations of the matrix."""
    role, problems = USERS[username], []
    for endpoint, method, rule in _requests(app):
        if endpoint in PUBLIC:
            continue
        url = _url(rule, data)
        before = _writes(container)
        response = signed_in(username).open(url, method=method, data={})
        status, text, seen = response.status_code, _text(response), f"{username} {method} {url} → "
        foreign = username == "dora"
        if status >= 500:
            problems.append(seen + f"{status} (server error)")
        elif not allowed(endpoint, method, role):
            if status != 403 or _writes(container) != before:
                problems.append(seen + f"{status}, expected 403 and nothing written")
        elif foreign and ("case_id" in rule.arguments or "task_id" in rule.arguments):
            if status != 404 or _writes(container) != before:
                problems.append(seen + f"{status}, expected 404 for another organisation's case")
        elif status == 403 and refusal(endpoint, method) in text:
            problems.append(seen + "refused by the matrix although the role is allowed")
        elif method in READ_METHODS and status not in (200, 302):
            problems.append(seen + f"{status}, expected the page")
        if foreign and CLIENT_NAME in text:
            problems.append(seen + "shows organisation A's client name")
    return problems


@pytest.mark.parametrize("username", list(USERS))
def test_every_route_answers_each_role_as_the_matrix_says(app, container, signed_in, fixture_data, username):
    assert _check(app, container, signed_in, username, fixture_data) == []


def test_signed_out_visitors_are_sent_to_the_login_for_every_route(app, client, fixture_data):
    for endpoint, method, rule in _requests(app):
        if endpoint not in PUBLIC and endpoint != "auth.logout":
            response = client.open(_url(rule, fixture_data), method=method)
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, endpoint)


def test_posts_without_csrf_token_are_refused_in_german(app_csrf, container, signed_in, fixture_data):
    for endpoint, method, rule in _requests(app_csrf):
        if method != "POST" or endpoint in PUBLIC:
            continue
        user = next(u for u, role in USERS.items() if allowed(endpoint, method, role))
        before = _writes(container)
        response = signed_in(user, on_app=app_csrf).post(_url(rule, fixture_data), data={"text": "ohne Token"})
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "Das Formular ist abgelaufen oder ungültig" in _text(response)
        assert _writes(container) == before


def test_forged_assignee_of_another_organisation_is_refused(signed_in, container, world, fixture_data):
    task_id = fixture_data["task_id"]
    response = signed_in("carla").post(f"/tasks/{task_id}/assign", data={"assignee_id": world.dora.id})
    assert response.status_code in (403, 422)
    with container.reader() as r:
        assert r.session.get(OpenTask, task_id).assignee_id == world.anna.id


def test_forged_municipality_of_another_organisation_is_refused(signed_in, container, world, fixture_data):
    cases = count_rows(container, Case)
    response = signed_in("anna").post("/cases/new", data=intake_form(world.town_b, last_name="Fremd"))
    assert response.status_code in (403, 422) and count_rows(container, Case) == cases


def test_forged_organisation_and_case_fields_are_ignored(signed_in, container, world, fixture_data):
    forged = intake_form(world.town_a, last_name="Gefälscht", organisation_id=str(world.org_b),
                         case_id=fixture_data["case_id"], responsible_user_id=str(world.dora.id))
    response = signed_in("anna").post("/cases/new", data=forged)
    assert response.status_code == 302
    new_id = response.headers["Location"].rsplit("/", 1)[1]
    with container.reader() as r:
        case = r.session.get(Case, new_id)
        assert new_id != fixture_data["case_id"]
        assert (case.organisation_id, case.responsible_user_id) == (world.org_a, world.anna.id)
    assert count_rows(container, TargetAgreementDocument, case_id=fixture_data["case_id"]) == 1


def test_readme_table_matches_the_matrix(app):
    assert markdown_table(app.url_map) in README.read_text(encoding="utf-8"), "run python3 -m web.access_table"


def test_the_matrix_knows_only_real_roles():
    assert set(ROLES) == set(ROLE_LABELS)
    assert all(rule.get | rule.post <= set(ROLES) for rule in MATRIX.values())
