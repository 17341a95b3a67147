"""Property-based fuzzing of every POST route (tests/web/test_fuzz_posts*.py): hostile, huge, empty, out of range,
NUL, duplicated and missing keys as every role, with values from every form definition — the app never answers 5xx,
and a refused post writes nothing. The roles are split over two test modules so that both test workers take a share.
"""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.db import (
    Appointment,
    CalendarFeed,
    Case,
    CaseDocument,
    CaseProcess,
    Client,
    CompletedTask,
    ConsentRecord,
    Contact,
    DecisionDefinition,
    DecisionOutcome,
    Event,
    FundedPosition,
    Goal,
    HouseholdMember,
    Note,
    OpenTask,
    Partner,
    ProcessDefinition,
    Referral,
    Setting,
    StepFailure,
)
from engine.forms import FormRegistry, field_names
from journey import ASSESSMENT, CONSENT, Driver
from support import add_user, intake_form

FORMS = FormRegistry(Path(__file__).parents[1] / "bpmn" / "forms")
# Names outside the form-js forms: versions, notes, comments, handover, migration, rules, retention, login.
EXTRA_NAMES = ["case_version", "text", "comment", "reason", "note", "days", "kind", "to_user_id",
               "to_organisation_id", "caseworker_id", "municipality_id", "assignee_id", "key", "version", "xml",
               "draft_version", "source", "jahre", "monate", "retention", "username", "password", "next",
               "definition_id", "task_id", "to", "case", "record_id", "scope", "withdrawn_on", "_add_row",
               "goals-0-_remove", "lang", "csrf_token", "year", "as_of",
               # appointments, partners and referrals, documents, funded positions, decision tables, translations
               "day", "start_time", "duration_minutes", "home_visit", "place", "interpreter_needed",
               "interpreter_language", "partner_id", "referred_on", "follow_up_on", "goal_id", "outcome", "email",
               "phone", "names", "category", "document_date", "replaces", "vzae", "valid_from", "language",
               "translation", "decision", "rule"]
HOSTILE = ["", " ", "\x00", "a\x00b", "\x1b[31m", "9999-12-31", "31.12.9999", "0001-01-01", "1899-12-31",
           "2026-02-30", "2100-12-31", str(2 ** 31), str(2 ** 63), str(10 ** 40), "-1", "0", "1", "1e309", "NaN",
           "inf", "A" * 5000, "ü" * 20_000, "\u202egnp.exe", "🙂" * 50, "<script>alert(1)</script>",
           "' OR 1=1 --", "${7*7}", "../../etc/passwd", "yes", "on", "true", "approve", "client_journey"]
# What a refused post must not have written (the audit log included).
TABLES = (Case, CaseProcess, Client, CompletedTask, ConsentRecord, Contact, Event, Goal, HouseholdMember, Note,
          OpenTask, ProcessDefinition, Setting, StepFailure, Appointment, CalendarFeed, CaseDocument,
          DecisionDefinition, DecisionOutcome, FundedPosition, Partner, Referral)
ROLES = ["anna", "carla", "dora", "erik", "adam", "petra"]


def _html_names() -> list[str]:
    names = set()
    for form_id in FORMS.ids():
        for name in field_names(FORMS.get(form_id)):
            if "[]" not in name:
                names.add(name)
            else:  # list[].key → the HTML name of its first two rows
                head, _, rest = name.partition("[].")
                names.update(f"{head}-{i}-{rest}" for i in (0, 1) if rest)
    return sorted(names)


NAMES = _html_names() + EXTRA_NAMES
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
PAYLOADS = st.dictionaries(st.sampled_from(NAMES), st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)),
                           max_size=10)


def scene(container, world) -> dict:
    """A case with an open assessment, the URL parameters that reach it, and all roles' clients ready."""
    add_user(container, world, "adam", "Adam Admin", "admin", world.org_a)
    add_user(container, world, "petra", "Petra Privat", "privacy", world.org_a)
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    task = drive.open_task(case_id)
    return {"case_id": case_id, "task_id": task.id, "key": "client_journey", "form_id": "contact",
            "definition_id": "1", "mail_id": "1", "record_id": "1", "reminder_id": "1"}


def _post_rules(app) -> list:
    return sorted((r for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint != "auth.logout"),
                  key=lambda r: r.rule)


def _url(rule, params: dict, hostile_param: str | None) -> str:
    def fill(match):
        name = match.group(2)
        value = hostile_param if hostile_param is not None and name != "key" else params.get(name, "1")
        return value if match.group(1) != "int:" or value.isdigit() else "1"
    return re.sub(r"<(int:)?(\w+)>", fill, rule.rule).replace("\x00", "%00")


def _counts(container) -> dict:
    """Rows per table, in one query (it runs twice per post)."""
    counts = [select(func.count()).select_from(t).scalar_subquery() for t in TABLES]
    with container.reader() as r:
        row = r.session.execute(select(*counts)).one()
    return {t.__name__: n for t, n in zip(TABLES, row, strict=True)}


# The editors post JSON: their bodies get the same hostile values (and structures).
JSON_ENDPOINTS = frozenset({"definitions.save", "definitions.check", "definitions.form_save"})
JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), VALUES),
                           lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                   st.dictionaries(st.sampled_from(["xml", "schema", "draft_version",
                                                                                    "components", "id", "type"]),
                                                                   inner, max_size=3)),
                           max_leaves=8)


def _bases(world) -> dict:
    """A valid post per route where one is easy to give, so mutations reach validation and the services."""
    return {"tasks.form": {**ASSESSMENT, "case_version": "2"},
            "cases.new": dict(intake_form(world.town_a).items(multi=False)),
            "cases.add_case_note": {"text": "Notiz"},
            "cases.add_contact": {"occurred_on": "2026-01-14", "kind": "phone", "duration_minutes": "45",
                                  "topics": "language"}}


def fuzz_posts(app, signed_in, container, world, roles: list[str]) -> None:
    """Every POST route, as each of the roles, with derandomized hostile payloads: no 5xx, a refusal writes nothing."""
    params = scene(container, world)
    clients = {name: signed_in(name) for name in roles}
    bases = _bases(world)

    @settings(max_examples=6, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(payload=PAYLOADS, base=st.booleans(), body=JSON_VALUES,
           hostile_param=st.one_of(st.none(), st.sampled_from(["0", "x" * 300, "\x00", "9" * 30])))
    def post(rule, role, payload, base, body, hostile_param):
        data = {**(bases.get(rule.endpoint, {}) if base else {}), **payload}
        before = _counts(container)
        url = _url(rule, params, hostile_param)
        if rule.endpoint in JSON_ENDPOINTS and not base:
            response = clients[role].post(url, json=body)
        else:
            response = clients[role].post(url, data=data)
        assert response.status_code < 500, (rule.rule, role, data, response.get_data(as_text=True)[:500])
        if response.status_code >= 400:
            assert _counts(container) == before, (rule.rule, role, data)

    for rule in _post_rules(app):
        for role in roles:
            post(rule, role)

