"""The REST API /api/v1: tokens, problem documents, and a case driven from intake to closure through the API alone."""
from __future__ import annotations

import html
import re

import pytest
from api_support import ApiClient, issue_token
from sqlalchemy import select

from engine.db import AccessLog, ApiToken, Event
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import intake_form


@pytest.fixture
def api(app, container, world):
    """`api("anna")`: an API client with a fresh all-scopes token of that user; `api(None)` has no token."""
    def make(username: str | None, scopes=("read", "work", "deploy", "admin")):
        return ApiClient(app, issue_token(container, username, scopes) if username else None)
    return make


def _intake(world, **overrides) -> dict:
    return {"data": dict(intake_form(world.town_a, **overrides).items())}


def _complete(anna, case_id: str, data: dict) -> dict:
    task = anna.get(f"/api/v1/cases/{case_id}").json["open_tasks"][0]
    detail = anna.get(f"/api/v1/cases/{case_id}/tasks/{task['id']}").json
    response = anna.post(f"/api/v1/cases/{case_id}/tasks/{task['id']}/complete",
                         json={"case_version": detail["case_version"], "data": data})
    assert response.status_code == 200, response.json
    return detail


def test_case_from_intake_to_closure_through_the_api_then_seen_on_the_case_page(api, container, world, signed_in):
    anna = api("anna")
    created = anna.post("/api/v1/cases", json=_intake(world, last_name="Api-Haddad"))
    assert created.status_code == 201
    case_id = created.json["id"]
    assert created.headers["Location"].endswith(f"/api/v1/cases/{case_id}")
    consent = _complete(anna, case_id, CONSENT)
    assert consent["step"] == "consent" and consent["form"]["id"] and consent["values"]["consent_date"]
    _complete(anna, case_id, ASSESSMENT)
    _complete(anna, case_id, target_agreement(goals=1))
    Driver(container).await_review(case_id)  # the scheduler's timer sweep, as in production
    review = anna.get(f"/api/v1/cases/{case_id}").json["open_tasks"][0]
    values = anna.get(f"/api/v1/cases/{case_id}/tasks/{review['id']}").json["values"]
    data = {"review_date": "2026-05-01", "review_summary": "Fortschritt besprochen", "next_step": "close"}
    for i, goal in enumerate(values["goals"]):
        data.update({f"goals-{i}-goal_id": goal["goal_id"], f"goals-{i}-status": "achieved"})
    _complete(anna, case_id, data)
    closure = anna.get(f"/api/v1/cases/{case_id}").json["open_tasks"][0]
    final = anna.get(f"/api/v1/cases/{case_id}/tasks/{closure['id']}").json["values"]["final_goals"]
    data = {"closure_reason": "goals_achieved", "closure_date": "2026-10-01", "final_summary": "Ziele erreicht",
            "outcomes": ["language_certificate"]}
    for i, goal in enumerate(final):
        data.update({f"final_goals-{i}-goal_id": goal["goal_id"], f"final_goals-{i}-final_status": "achieved",
                     f"final_goals-{i}-evaluation": "B1 bestanden"})
    _complete(anna, case_id, data)
    case = anna.get(f"/api/v1/cases/{case_id}").json
    assert case["status"] == "closed" and case["closure_reason"] == "goals_achieved"
    assert case["goals"][0]["status"] == "achieved"
    assert {"case_opened", "consent_recorded", "goals_agreed", "case_closed"} <= {e["kind"] for e in case["timeline"]}
    page = html.unescape(signed_in("anna").get(f"/cases/{case_id}").get_data(as_text=True))
    assert "Api-Haddad" in page and "abgeschlossen" in page.lower()


def test_reading_a_case_through_the_api_is_in_the_access_log(api, container, world):
    anna = api("anna")
    case_id = anna.post("/api/v1/cases", json=_intake(world)).json["id"]
    assert anna.get(f"/api/v1/cases/{case_id}").status_code == 200
    assert api("dora").get(f"/api/v1/cases/{case_id}").status_code == 404
    with container.reader() as r:
        rows = r.session.execute(select(AccessLog).where(AccessLog.case_id == case_id)).scalars().all()
    assert {(row.user_id, row.action, row.outcome) for row in rows} >= {
        (world.anna.id, "view", "ok"), (world.dora.id, "view", "not_found")}
    assert all(row.path.startswith("/api/v1/") for row in rows)


def test_invalid_intake_is_a_422_problem_with_german_field_errors(api, container, world):
    response = api("anna").post("/api/v1/cases", json=_intake(world, last_name="", birth_date="gestern"))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    body = response.json
    assert body["status"] == 422 and body["detail"] and "last_name" in body["errors"]
    assert api("anna").get("/api/v1/cases?status=all").json["total"] == 0


def test_malformed_body_names_the_field_in_german(api):
    response = api("anna").post("/api/v1/cases", json={"daten": {}})
    assert response.status_code == 422
    assert response.json["errors"] == {"data": "Pflichtangabe fehlt."}


def test_second_completion_is_a_409_naming_who_completed_it(api, world):
    anna = api("anna")
    case_id = anna.post("/api/v1/cases", json=_intake(world)).json["id"]
    task = anna.get(f"/api/v1/cases/{case_id}").json["open_tasks"][0]
    version = anna.get(f"/api/v1/cases/{case_id}/tasks/{task['id']}").json["case_version"]
    url = f"/api/v1/cases/{case_id}/tasks/{task['id']}/complete"
    assert anna.post(url, json={"case_version": version, "data": CONSENT}).status_code == 200
    response = api("ben").post(url, json={"case_version": version, "data": CONSENT})
    assert response.status_code == 409 and response.content_type == "application/problem+json"
    assert "Anna Adler" in response.json["detail"]


def test_stale_case_version_is_a_409(api, world):
    anna = api("anna")
    case_id = anna.post("/api/v1/cases", json=_intake(world)).json["id"]
    task = anna.get(f"/api/v1/cases/{case_id}").json["open_tasks"][0]
    version = anna.get(f"/api/v1/cases/{case_id}/tasks/{task['id']}").json["case_version"]
    response = anna.post(f"/api/v1/cases/{case_id}/tasks/{task['id']}/complete",
                         json={"case_version": version + 1, "data": CONSENT})
    assert response.status_code == 409 and "geändert" in response.json["detail"]
    assert "Zuletzt geändert von Anna Adler" in response.json["detail"]
    assert anna.get(f"/api/v1/cases/{case_id}").json["open_tasks"][0]["id"] == task["id"]


def test_missing_unknown_expired_and_revoked_tokens_are_401(app, api, container, clock):
    assert api(None).get("/api/v1/cases").status_code == 401
    assert ApiClient(app, "ifl_erfunden").get("/api/v1/cases").status_code == 401
    token = issue_token(container, "anna", days=1)
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 200
    clock.advance(days=2)
    response = ApiClient(app, token).get("/api/v1/cases")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_refused(app, container, world):
    from engine.access import revoke_token

    token = issue_token(container, "anna")
    with container.reader() as r:
        token_id = r.session.execute(select(ApiToken.id)).scalar_one()
    revoke_token(container.uow(), token_id)
    assert ApiClient(app, token).get("/api/v1/cases").status_code == 401


def test_session_cookie_does_not_sign_in_to_the_api(signed_in):
    response = signed_in("anna").get("/api/v1/cases")
    assert response.status_code == 401 and response.content_type == "application/problem+json"


def test_read_only_token_cannot_write(api, world):
    response = api("anna", scopes=("read",)).post("/api/v1/cases", json=_intake(world))
    assert response.status_code == 403 and "work" in response.json["detail"]


def test_role_refusal_uses_the_matrix_message(api, world):
    response = api("erik").post("/api/v1/cases", json=_intake(world))
    assert response.status_code == 403 and "Berechtigung" in response.json["detail"]


def test_token_is_stored_hashed_and_its_use_audited(api, container):
    anna = api("anna")
    token = anna.headers["Authorization"].split()[1]
    anna.get("/api/v1/cases")
    with container.reader() as r:
        row = r.session.execute(select(ApiToken)).scalar_one()
        kinds = [e.kind for e in r.session.execute(select(Event).order_by(Event.id)).scalars()]
    assert token not in (row.token_hash, row.prefix) and len(row.token_hash) == 64 and row.last_used_at
    assert kinds[-2:] == ["api_token_created", "api_token_used"]


def test_rate_limit_answers_429_with_retry_after(container, world, monkeypatch):
    from web import create_app

    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "API_RATE_LIMIT": (3, 60.0)}, container=container)
    client = ApiClient(app, issue_token(container, "anna"))
    statuses = [client.get("/api/v1/cases").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert int(client.get("/api/v1/cases").headers["Retry-After"]) >= 1


def test_openapi_document_describes_every_api_route_with_problem_errors(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    api_rules = {re.sub(r"<\w+:", "<", r.rule) for r in app.url_map.iter_rules()
                 if r.rule.startswith("/api/v1/")} - {"/api/v1/openapi.json", "/api/v1/docs"}
    documented = {p.replace("{", "<").replace("}", ">") for p in spec["paths"]}
    assert api_rules == documented
    assert "application/problem+json" in spec["components"]["responses"]["DEFAULT_ERROR"]["content"]


def test_unknown_api_path_is_a_404_problem(api):
    response = api("anna").get("/api/v1/gibt-es-nicht")
    assert response.status_code == 404 and response.content_type == "application/problem+json"


def test_reminders_and_deadlines_of_an_overdue_task_through_the_api(api, container, world):
    from datetime import UTC, datetime

    from engine.time import run_reminder_pass

    anna = api("anna")
    container.clock.set(datetime(2026, 1, 15, 8, 30, tzinfo=UTC))
    case_id = anna.post("/api/v1/cases", json=_intake(world, last_name="Frist")).json["id"]
    _complete(anna, case_id, CONSENT)
    container.clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=UTC))  # the assessment is overdue now
    run_reminder_pass(container)
    reminders = anna.get("/api/v1/inbox?show=unread").json
    assert reminders and {r["case_id"] for r in reminders} == {case_id}
    assert anna.post(f"/api/v1/inbox/{reminders[0]['id']}/read").json == {"case_id": case_id}
    assert api("dora").post(f"/api/v1/inbox/{reminders[0]['id']}/read").status_code == 404
    deadlines = api("carla").get("/api/v1/deadlines?state=overdue").json
    assert deadlines["totals"]["overdue"] >= 1 and any(i["case_id"] == case_id for i in deadlines["items"])
    assert api("anna").get("/api/v1/deadlines").status_code == 403
    bad = api("carla").get("/api/v1/deadlines?sort=zufall")
    assert bad.status_code == 422 and "Sortierung" in bad.json["errors"]["sort"]


def test_team_lead_deploys_a_new_version_through_the_api_with_the_deploy_scope(api, world):
    from pathlib import Path

    xml = (Path(__file__).resolve().parents[2] / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8")
    body = {"bpmn_xml": xml + "\n<!-- per API -->\n", "comment": "Kommentar ergänzt"}
    assert api("carla", scopes=("read", "work")).post("/api/v1/definitions/client_journey/versions",
                                                      json=body).json["detail"].endswith("„deploy“.")
    assert api("anna").post("/api/v1/definitions/client_journey/versions", json=body).status_code == 403
    carla = api("carla")
    made = carla.post("/api/v1/definitions/client_journey/versions", json=body)
    assert made.status_code == 201 and made.json["version"] == 2 and made.json["comment"] == "Kommentar ergänzt"
    listed = {d["key"]: d for d in carla.get("/api/v1/definitions").json}["client_journey"]
    assert [v["version"] for v in listed["versions"]][:2] == [2, 1]
    assert "per API" in carla.get(f"/api/v1/definitions/versions/{made.json['id']}").json["bpmn_xml"]
    again = carla.post("/api/v1/definitions/client_journey/versions", json=body)
    assert again.status_code == 422 and "identisch" in again.json["detail"]
    broken = carla.post("/api/v1/definitions/client_journey/versions",
                        json={"bpmn_xml": "<kein-bpmn/>", "comment": "kaputt"})
    assert broken.status_code == 422 and broken.content_type == "application/problem+json"


def test_state_report_figures_as_json(api, container, world):
    from journey import Driver

    Driver(container).to_review(world.anna, intake_form(world.town_a))
    report = api("carla").get("/api/v1/reports/state?year=2026").json
    assert report["year"] == 2026 and report["total"]["cases_served"] == 1 and report["total"]["plans_agreed"] == 1
    assert report["total"]["goals"] == [{"life_area": "language", "status": "open", "count": 1}]
    assert api("anna").get("/api/v1/reports/state").status_code == 403
    assert api("carla").get("/api/v1/reports/state?quarter=7").status_code == 422


def test_reference_page_lists_every_operation_without_scripts_of_its_own(app, client):
    page = client.get("/api/v1/docs")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and "Content-Security-Policy" in page.headers
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint.split(".")[0] not in ("api-docs", "api_reference"):
            assert re.sub(r"<(\w+:)?(\w+)>", r"{\2}", rule.rule) in text, rule.rule
    assert "<script>" not in text and "style=" not in text


def test_an_id_beyond_the_database_integer_is_refused_not_a_server_error(api, signed_in):
    """Found by the fuzzer: the case and worklist filters took any integer, and the database overflowed."""
    huge = 10**20
    assert api("anna").get(f"/api/v1/cases?municipality={huge}").status_code == 422
    assert api("anna").get(f"/api/v1/tasks?municipality={huge}").status_code == 422
    assert signed_in("anna").get(f"/cases/?municipality={huge}").status_code == 422
    assert signed_in("anna").get(f"/?municipality={huge}").status_code == 422


def test_admin_registers_a_webhook_through_the_api_with_the_admin_scope(api, container, world):
    from dataclasses import replace

    from support import add_user

    container.settings = replace(container.settings, webhook_hosts=("127.0.0.1",))
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    body = {"organisation_id": world.org_a, "url": "http://127.0.0.1:9/hook", "events": ["case.created"]}
    assert "admin" in api("adele", scopes=("read", "work")).post("/api/v1/webhooks", json=body).json["detail"]
    assert api("carla").post("/api/v1/webhooks", json=body).status_code == 403
    adele = api("adele")
    made = adele.post("/api/v1/webhooks", json=body)
    assert made.status_code == 201 and made.json["secret"].startswith("whsec_")
    api("anna").post("/api/v1/cases", json=_intake(world))
    log = adele.get("/api/v1/webhooks").json
    assert [e["url"] for e in log["endpoints"]] == ["http://127.0.0.1:9/hook"] and "secret" not in log["endpoints"][0]
    assert [d["kind"] for d in log["deliveries"]] == ["case.created"]
    assert adele.post(f"/api/v1/webhooks/deliveries/{log['deliveries'][0]['id']}/resend").status_code == 200
    bad = adele.post("/api/v1/webhooks", json={**body, "url": "http://intern.example/x", "events": ["alles"]})
    assert bad.status_code == 422 and "events.0" in bad.json["errors"]


def test_the_case_audit_events_in_chain_order_with_paging(api, container, world):
    anna = api("anna")
    case_id = anna.post("/api/v1/cases", json=_intake(world)).json["id"]
    _complete(anna, case_id, CONSENT)
    page = anna.get(f"/api/v1/cases/{case_id}/events").json
    kinds = [e["kind"] for e in page["items"]]
    assert kinds[0] == "case_opened" and "consent_recorded" in kinds and page["total"] == len(kinds)
    assert [e["seq"] for e in page["items"]] == sorted(e["seq"] for e in page["items"])
    assert page["items"][0]["label"] == "Fall angelegt" and len(page["items"][0]["hash"]) == 64
    assert anna.get(f"/api/v1/cases/{case_id}/events?page=2").json["items"] == []
    assert api("dora").get(f"/api/v1/cases/{case_id}/events").status_code == 404
    with container.reader() as r:
        logged = r.session.execute(select(AccessLog.path).where(AccessLog.case_id == case_id)).scalars().all()
    assert f"/api/v1/cases/{case_id}/events" in logged
