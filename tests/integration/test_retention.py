"""Retention: closed cases are anonymised after the period (fake clock); statistics and the audit chain survive."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from compliance_cases import findings
from engine.casework import add_note
from engine.db import (
    AccessLog,
    Case,
    Client,
    CompletedTask,
    ConsentRecord,
    Contact,
    Event,
    Goal,
    HouseholdMember,
    Note,
    WorkflowState,
    WorkflowTask,
    WorkflowTaskArchive,
)
from engine.privacy import anonymise_due_cases, cutoff_date, log_access
from engine.reporting import state_report
from report_data import close_case, served_household
from support import intake_form

ROOT = Path(__file__).resolve().parents[2]
# Personal data of the served household (intake, household, goals, contact, note) that must be gone.
PERSONAL = ("Amina", "Haddad", "Omar", "Lina", "Hauptstraße", "eAT Nr. 123", "B1-Prüfung", "A2-Kurs abgebrochen",
            "Kurs regelmäßig besuchen", "Wohnungssuche besprochen", "1990-03-04")


def cli(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`integraflow ARGS` as an operator runs it, against the test database."""
    env = {**os.environ, "INTEGRAFLOW_DATABASE_URL": database_url,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "web.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=300)


def _closed_household(container, world):
    drive, case_id, _ = served_household(container, world)
    add_note(container.uow(), case_id, "Wohnungssuche besprochen", world.anna)
    close_case(drive, world, case_id)  # closed on 01.10.2026
    log_access(container.uow(), world.anna.id, case_id, "view", "ok", f"/cases/{case_id}")
    return drive, case_id


def _figures(container, world) -> list:
    with container.reader() as r:
        report = state_report(r, world.erik, {"year": "2026"})
    return [repr(u) for u in report.units] + [repr(report.total)]


def _case_text(container, case_id: str) -> str:
    """Everything stored about the case, as one text (tables, workflow JSON, event payloads)."""
    with container.reader() as r:
        s = r.session
        case = s.get(Case, case_id)
        parts = [s.get(Client, case.client_id).__dict__, *[m.__dict__ for m in s.execute(
            select(HouseholdMember).where(HouseholdMember.client_id == case.client_id)).scalars()]]
        for model in (Goal, Contact, Note, ConsentRecord, CompletedTask):
            parts += [row.__dict__ for row in s.execute(select(model).where(model.case_id == case_id)).scalars()]
        for column in (WorkflowTask.payload, WorkflowTaskArchive.payload, WorkflowState.header, Event.payload):
            owner = column.class_
            # The workflow tables belong to the case's processes; the journey's has the case's id.
            key = owner.case_id if hasattr(owner, "case_id") else owner.process_id
            parts += list(s.execute(select(column).where(key == case_id)).scalars())
    return json.dumps(parts, default=str, ensure_ascii=False)


def test_cutoff_is_today_minus_the_period():
    assert cutoff_date(datetime(2029, 10, 2).date(), "P3Y").isoformat() == "2026-10-02"
    assert cutoff_date(datetime(2028, 2, 29).date(), "P1Y").isoformat() == "2027-02-28"


def test_closed_case_is_anonymised_after_the_period_with_statistics_and_chain_intact(container, world, clock,
                                                                                      database_url, tmp_path):
    _drive, case_id = _closed_household(container, world)
    other = served_household(container, world)[1]  # a second client, still in counselling
    assert all(word in _case_text(container, case_id) for word in ("Haddad", "B1-Prüfung", "eAT Nr. 123"))

    clock.set(datetime(2029, 9, 30, 10, 0, tzinfo=UTC))  # one day short of three years after closure
    assert anonymise_due_cases(container).cases == 0
    assert "Haddad" in _case_text(container, case_id)

    clock.set(datetime(2029, 10, 2, 10, 0, tzinfo=UTC))
    before, rule_findings = _figures(container, world), findings(container)
    dry = anonymise_due_cases(container, dry_run=True)
    assert (dry.cases, dry.clients) == (1, 1) and "Haddad" in _case_text(container, case_id)

    run = anonymise_due_cases(container)
    assert (run.cases, run.clients) == (1, 1)
    text = _case_text(container, case_id)
    assert [word for word in PERSONAL if word in text] == []
    with container.reader() as r:
        client = r.session.get(Case, case_id).client
        assert (client.first_name, client.last_name, client.birth_date, client.phone) == \
               ("Anonymisiert", "Anonymisiert", None, None)
        assert r.session.get(Case, case_id).anonymised_at is not None
        assert r.session.execute(select(Event.payload).where(Event.case_id == case_id,
                                                             Event.kind == "case_anonymised")).scalar_one() == \
            {"retention": "P3Y", "closed_on": "2026-10-01"}
        # the access log keeps its line: it refers to the case id, not to a name
        assert r.session.execute(select(func.count()).select_from(AccessLog)
                                 .where(AccessLog.case_id == case_id)).scalar_one() == 1
        goals = r.session.execute(select(Goal.status, Goal.life_area).where(Goal.case_id == case_id)).all()
        assert sorted(goals) == [("achieved", "language"), ("achieved", "language")]
    assert _figures(container, world) == before
    assert findings(container) == rule_findings
    assert "Haddad" in _case_text(container, other)  # the running case of the other client is untouched

    verify = cli(database_url, tmp_path, "audit", "verify")
    assert verify.returncode == 0 and "Prüfpfad in Ordnung" in verify.stdout, verify.stdout + verify.stderr
    assert "genehmigt geschwärzt" in verify.stdout


def test_the_command_line_anonymises_once(container, world, database_url, tmp_path):
    # The command runs on the real clock: the case is dated back to a closure in 2021, long past the period.
    _drive, case_id = _closed_household(container, world)
    uow = container.uow()
    with uow:
        uow.session.get(Case, case_id).closed_on = datetime(2021, 6, 30).date()
        uow.commit()
    dry = cli(database_url, tmp_path, "privacy", "anonymise", "--dry-run")
    assert dry.returncode == 0 and "Probelauf: 1 Fälle von 1 Klient/innen" in dry.stdout, dry.stdout + dry.stderr
    assert "Haddad" in _case_text(container, case_id)
    first = cli(database_url, tmp_path, "privacy", "anonymise")
    assert first.returncode == 0 and "Anonymisiert: 1 Fälle von 1 Klient/innen" in first.stdout, first.stderr
    assert "Haddad" not in _case_text(container, case_id)
    with container.reader() as r:
        events = r.session.execute(select(func.count()).select_from(Event)).scalar_one()
    again = cli(database_url, tmp_path, "privacy", "anonymise")
    assert again.returncode == 0 and "Anonymisiert: 0 Fälle" in again.stdout
    with container.reader() as r:
        assert r.session.execute(select(func.count()).select_from(Event)).scalar_one() == events


def test_a_client_with_a_running_case_keeps_their_data(container, world, clock):
    drive, case_id = _closed_household(container, world)
    with container.reader() as r:
        client_id = r.session.get(Case, case_id).client_id
    # the same client comes back: a second case for the same person is opened later
    later = drive.open(world.anna, intake_form(world.town_a))
    uow = container.uow()
    with uow:
        uow.session.get(Case, later).client_id = client_id
        uow.commit()
    clock.set(datetime(2030, 1, 1, 10, 0, tzinfo=UTC))
    assert anonymise_due_cases(container).cases == 0
    assert "Haddad" in _case_text(container, case_id)


def test_the_retention_period_is_configurable(container, world, clock):
    from engine.privacy import set_retention
    from support import add_user

    paula = add_user(container, world, "paula", "Paula Datenschutz", "privacy", world.erik.organisation_id)
    _drive, case_id = _closed_household(container, world)
    clock.set(datetime(2028, 1, 1, 10, 0, tzinfo=UTC))
    assert anonymise_due_cases(container).cases == 0
    set_retention(container.uow(), paula, "P1Y")
    assert anonymise_due_cases(container).cases == 1
