"""Migration 0014 and the models agree (consent_record, access_log, the case's restriction and anonymisation)."""
from __future__ import annotations

import importlib.util

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from engine.db import Base
from engine.db.schema import MIGRATIONS_DIR
from journey import CONSENT, Driver
from support import intake_form

OURS = ("consent_record", "access_log", "processing_restricted", "anonymised_at", "ix_case_status_closed_on")


def _migration():
    path = next((MIGRATIONS_DIR / "versions").glob("0014_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0014", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_models_match_the_migration(container):
    with container.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if any(name in repr(d) for name in OURS)] == []


def test_consents_recorded_before_the_migration_become_consent_records(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    with container.engine.begin() as conn:
        conn.execute(text("DELETE FROM consent_record"))  # as before 0014: only Case.consent_date/scope
        conn.execute(text(_migration().BACKFILL))
        row = conn.execute(text("SELECT case_id, given_on, form, recorded_by FROM consent_record")).one()
    assert (row.case_id, str(row.given_on)[:10], row.form, row.recorded_by) == \
        (case_id, "2026-01-15", "written", world.anna.id)
