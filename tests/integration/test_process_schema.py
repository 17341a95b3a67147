"""Migrations 0017 (declared steps) and 0018 (case processes): models agree, and existing data comes along."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from engine.compliance import SHIPPED_RULES
from engine.db import Base
from engine.db.schema import upgrade
from engine.workflow import parse_model

OLD_JOURNEY = (Path(__file__).parents[1] / "fixtures" / "client_journey_before_0017.bpmn").read_text(encoding="utf-8")
OURS = ("case_process", "process_id", "step", "needs_consent", "kind", "calls", "ix_completed_task_step_case",
        "ix_workflow_state_case_id", "ix_open_task_process_id")


def test_models_match_the_migrations(container):
    with container.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if any(name in repr(d) for name in OURS)] == []


def test_data_from_before_the_declarations_and_case_processes_is_brought_along(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, "0016")
    now = datetime(2026, 1, 15, 9, tzinfo=UTC).isoformat()
    old_rules = SHIPPED_RULES.read_text(encoding="utf-8")
    for step, spec in (("assessment", "Task_Assessment"), ("consent", "Task_Consent"), ("review", "Task_Review"),
                       ("target_agreement", "Task_TargetAgreement"), ("closure", "Task_Closure")):
        old_rules = old_rules.replace(f"step: {step}", f"step: {spec}").replace(f"consent_step: {step}",
                                                                                f"consent_step: {spec}")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO organisation (id, name, kind) VALUES (1, 'Träger', 'provider')"))
        conn.execute(text("INSERT INTO municipality (id, name, organisation_id) VALUES (1, 'Astadt', 1)"))
        conn.execute(text("INSERT INTO process_definition (id, key, version, name, bpmn_xml, checksum, deployed_at) "
                          "VALUES (1, 'client_journey', 1, 'Journey', :xml, :sum, :now)"),
                     {"xml": OLD_JOURNEY, "sum": hashlib.sha256(OLD_JOURNEY.encode()).hexdigest(), "now": now})
        conn.execute(text("INSERT INTO client (id, first_name, last_name, interpreter_needed, residence_status) "
                          "VALUES ('c1', 'Amina', 'Alt', 0, 'recognised_refugee')"))
        conn.execute(text("INSERT INTO client_case (id, reference, client_id, municipality_id, organisation_id, "
                          "definition_id, status, phase, intake_date, eligible, eligibility_reason, opened_at, "
                          "updated_at, version) VALUES ('k1', '2026-0001', 'c1', 1, 1, 1, 'open', 'assessment', "
                          "'2026-01-15', 1, 'ok', :now, :now, 3)"), {"now": now})
        conn.execute(text("INSERT INTO workflow_state (case_id, definition_id, serializer_version, header, completed) "
                          "VALUES ('k1', 1, 'x', '{}', 0)"))
        conn.execute(text("INSERT INTO workflow_task (case_id, task_id, payload) VALUES ('k1', 't0', '{}')"))
        conn.execute(text("INSERT INTO open_task (id, case_id, task_spec, title, form_key, role, organisation_id, "
                          "municipality_id, created_at) VALUES ('t1', 'k1', 'Task_Assessment', 'Bedarfsanalyse', "
                          "'assessment', 'caseworker', 1, 1, :now)"), {"now": now})
        conn.execute(text("INSERT INTO completed_task (id, case_id, task_spec, title, form_key, completed_at, data) "
                          "VALUES ('t0', 'k1', 'Task_Consent', 'Einwilligung', 'consent', :now, '{}')"), {"now": now})
        conn.execute(text("INSERT INTO rule_set_version (version, source, checksum, created_by, created_at) "
                          "VALUES (1, :src, 'x', NULL, :now)"), {"src": old_rules, "now": now})
    upgrade(engine)
    with engine.connect() as conn:
        xml, kind = conn.execute(text("SELECT bpmn_xml, kind FROM process_definition WHERE id = 1")).one()
        assert kind == "journey"
        model = parse_model(xml)
        assert {name: info.step for name, info in model.user_tasks.items()}["Task_Assessment"] == "assessment"
        assert model.end_reasons == {"End_NoConsent": "no_consent", "End_NotEligible": "not_eligible"}
        assert conn.execute(text("SELECT step, needs_consent, process_id FROM open_task")).one() == \
            ("assessment", 1, "k1")
        assert conn.execute(text("SELECT step, process_id FROM completed_task")).one() == ("consent", "k1")
        assert conn.execute(text("SELECT id, case_id, kind, status FROM case_process")).one() == \
            ("k1", "k1", "journey", "running")
        assert conn.execute(text("SELECT process_id, case_id FROM workflow_state")).one() == ("k1", "k1")
        assert conn.execute(text("SELECT process_id FROM workflow_task")).scalar_one() == "k1"
        source = conn.execute(text("SELECT source FROM rule_set_version")).scalar_one()
    assert "Task_" not in source and "step: assessment" in source
    engine.dispose()
