"""The process model is data: a journey with every element id rewritten and every task renamed runs the same.

The shipped journey is copied with new ids for every element (the process id, and so its key, included) and new
task names, installed as the journey of a fresh database, and the same scenario — intake, consent, assessment,
target agreement, reviews, closure, a second case left waiting, reminders, compliance rules, the state report —
is run on it and on the shipped journey. What the users see must be the same: phases, reminders, findings and
report figures. Nothing in the code may know an element id of the shipped file.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from compliance_cases import findings
from engine.base import journey_key
from engine.bootstrap import bootstrap
from engine.clock import FakeClock
from engine.config import SHIPPED_BPMN_DIR, Settings
from engine.db import Case, OpenTask, Reminder
from engine.reporting import state_report
from engine.setup import prepare_database
from engine.time import run_reminder_pass
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import intake_form
from world import make_world

PG_URL = os.environ.get("INTEGRAFLOW_TEST_DATABASE_URL")
_REFERENCES = ("id", "sourceRef", "targetRef", "default", "attachedToRef", "bpmnElement", "processRef",
               "calledElement", "messageRef", "errorRef", "signalRef")


def rewrite_journey(xml: str) -> str:
    """The journey with a new id for every element and a new name for every user task."""
    ids = set(re.findall(r'\bid="([^"]+)"', xml))
    new = {old: "E" + hashlib.sha1(old.encode()).hexdigest()[:12] for old in ids}
    pattern = r'\b(' + "|".join(_REFERENCES) + r')="([^"]+)"'
    xml = re.sub(pattern, lambda m: f'{m.group(1)}="{new.get(m.group(2), m.group(2))}"', xml)
    xml = re.sub(r"<(bpmn:flowNodeRef|bpmn:incoming|bpmn:outgoing)>([^<]+)</",
                 lambda m: f"<{m.group(1)}>{new.get(m.group(2).strip(), m.group(2))}</", xml)
    return re.sub(r'(<bpmn:userTask [^>]*?name=")([^"]+)"', r'\1Schritt: \2"', xml)


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def installations(request, tmp_path):
    """Two fresh installations on the same backend: the shipped journey and the rewritten one."""
    renamed_dir = tmp_path / "bpmn"
    shutil.copytree(SHIPPED_BPMN_DIR, renamed_dir)
    journey_file = renamed_dir / "client_journey.bpmn"
    journey_file.write_text(rewrite_journey(journey_file.read_text(encoding="utf-8")), encoding="utf-8")
    made = []
    for name, shipped in (("shipped", SHIPPED_BPMN_DIR), ("renamed", renamed_dir)):
        url = _database(request.param, tmp_path, name)
        container = bootstrap(Settings(database_url=url), clock=FakeClock(datetime(2026, 1, 15, 8, 30, tzinfo=UTC)))
        prepare_database(container, shipped_dir=shipped)
        made.append(container)
    yield made
    for container in made:
        container.engine.dispose()
    if request.param == "postgresql":
        with create_engine(PG_URL, isolation_level="AUTOCOMMIT").connect() as conn:
            for name in ("shipped", "renamed"):
                conn.execute(text(f"DROP SCHEMA IF EXISTS it_{name} CASCADE"))


def _database(backend: str, tmp_path: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / name}.sqlite"
    # A schema of its own on the test server: the installation's tables live apart from the shared ones.
    with create_engine(PG_URL, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS it_{name} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA it_{name}"))
    return f"{PG_URL}?options=-csearch_path%3Dit_{name}"


def scenario(container) -> dict:
    """Run the scenario and return what users see, without ids or task names."""
    world = make_world(container)
    driver = Driver(container)
    seen: dict = {"phases": []}

    def phase(case_id):
        with container.reader() as r:
            seen["phases"].append(r.session.get(Case, case_id).phase)

    done = driver.open(world.anna, intake_form(world.town_a))
    phase(done)
    waiting = driver.open(world.ben, intake_form(world.town_a, first_name="Mira"))
    for data, expect in ((CONSENT, "consent"), (ASSESSMENT, "assessment"), (target_agreement(2), "target_agreement")):
        driver.complete(world.anna, done, data, expect=expect)
        phase(done)
    driver.complete(world.ben, waiting, CONSENT, expect="consent")
    container.clock.advance(days=30)
    seen["reminders_day_30"] = run_reminder_pass(container)
    driver.review(world.anna, done, status="partly")
    phase(done)
    container.clock.set(datetime(2026, 6, 1, 8, tzinfo=UTC))
    seen["reminders_june"] = run_reminder_pass(container)
    driver.review(world.anna, done, status="achieved", next_step="close", date="2026-08-01")
    phase(done)
    driver.closure(world.anna, done)
    phase(done)
    with container.reader() as r:
        cases = {c.id: c.client.first_name for c in r.session.execute(select(Case)).scalars()}
        seen["reminders"] = sorted((cases[m.case_id], m.kind, m.stage) for m in
                                   r.session.execute(select(Reminder)).scalars())
        seen["open_steps"] = sorted((cases[t.case_id], t.step, t.due_on)
                                    for t in r.session.execute(select(OpenTask)).scalars())
        seen["closure"] = (r.session.get(Case, done).status, r.session.get(Case, done).closure_reason)
        report = state_report(r, world.erik, {"year": "2026"})
        seen["report"] = (report.total.cases_served, report.total.persons_served, report.total.plans_agreed,
                          dict(report.total.goals), dict(report.total.closures), dict(report.total.outcomes))
    seen["findings"] = sorted((rule, cases[case], value) for (rule, case), value in findings(container).items())
    return seen


def test_rewritten_ids_and_names_change_nothing_users_see(installations):
    shipped, renamed = installations
    with renamed.reader() as r:
        assert journey_key(r.session) != "client_journey"  # the key is the rewritten process id
    expected, got = scenario(shipped), scenario(renamed)
    assert got == expected
    assert expected["closure"] == ("closed", "goals_achieved")
    assert expected["phases"][:4] == ["consent", "assessment", "plan", "review"]
    assert any(kind == "assessment" for _name, kind, _stage in expected["reminders"])
    assert expected["findings"], "the waiting case violates rules; the comparison must not be empty"
