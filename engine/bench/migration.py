"""`integraflow bench --migration`: impact preview and bulk migration over many running cases (SQLite, throwaway).

Cases are told through the services up to four stages of the journey (consent, needs assessment, target agreement,
waiting for the review), copied with engine.demo.bulk to the wanted number, then a second version with a task added
before the review is deployed; the preview, a full workflow load per case (for comparison) and one request's batch
of migrations are timed.
"""
from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from engine.access import actor_of
from engine.authoring import BATCH_LIMIT, deploy_definition, migrate_cases, migration_preview
from engine.base import model_by_id
from engine.clock import FakeClock
from engine.db import Case, ProcessDefinition, User
from engine.demo import clone_cases
from engine.workflow import load_workflow

from .completion import ASSESSMENT, CONSENT, PLAN, _Bench

V2_MARKER = '<bpmn:userTask id="Task_Review" '


def _with_preparation_task(xml: str) -> str:
    """The shipped journey with a user task between the review timer and the review (as in the scenario tests)."""
    xml = xml.replace('sourceRef="Timer_ReviewDue" targetRef="Task_Review"',
                      'sourceRef="Timer_ReviewDue" targetRef="Task_ReviewPreparation"')
    xml = xml.replace(V2_MARKER, '<bpmn:userTask id="Task_ReviewPreparation" name="Vorbereitungsgespräch" '
                      'camunda:formKey="contact" camunda:candidateGroups="caseworker">'
                      '<bpmn:incoming>Flow_Timer_Review</bpmn:incoming><bpmn:outgoing>Flow_Prep_Review</bpmn:outgoing>'
                      '</bpmn:userTask><bpmn:sequenceFlow id="Flow_Prep_Review" sourceRef="Task_ReviewPreparation" '
                      'targetRef="Task_Review" />' + V2_MARKER)
    return xml.replace('<bpmn:incoming>Flow_Timer_Review</bpmn:incoming>\n      <bpmn:outgoing>Flow_Review_Outcome',
                       '<bpmn:incoming>Flow_Prep_Review</bpmn:incoming>\n      <bpmn:outgoing>Flow_Review_Outcome')


def _templates(bench: _Bench) -> list[str]:
    """One case per stage: consent open, assessment open, target agreement open, waiting for the review."""
    found = []
    for steps in (0, 1, 2, 3):
        case_id, version = bench.open()
        for data in (CONSENT, ASSESSMENT, PLAN)[:steps]:
            task_id, _ = bench.task_of(case_id)
            version = bench.complete(case_id, version, data, task_id)
        found.append(case_id)
    return found


def _supervisor(bench: _Bench):
    uow = bench.container.uow()
    with uow:
        caseworker = uow.session.get(User, bench.actor.id)
        user = User(username="bench.leitung", display_name="Bench Leitung", role="supervisor",
                    organisation_id=caseworker.organisation_id, password_hash=caseworker.password_hash, active=True,
                    created_at=bench.container.clock.now())
        uow.session.add(user)
        uow.session.flush()
        actor = actor_of(user)
        uow.commit()
    return actor


def run_migration_benchmark(cases: int = 1000, echo=print) -> dict:
    """Build `cases` running cases, deploy v2, print preview, workflow-load and migration timings."""
    with tempfile.TemporaryDirectory() as tmp:
        bench = _Bench(Path(tmp) / "migration", clock=FakeClock(datetime(2026, 1, 15, 9, tzinfo=UTC)))
        container = bench.container
        templates = _templates(bench)
        clone_cases(container, templates, max(0, cases - len(templates)) // len(templates) + 1,
                    limit=max(0, cases - len(templates)))
        lead = _supervisor(bench)
        uow = container.uow()
        with uow:
            shipped = uow.session.execute(select(Case.definition_id)).scalars().first()
            v1_xml = uow.session.get(ProcessDefinition, shipped).bpmn_xml
            deploy_definition(uow, "client_journey", _with_preparation_task(v1_xml), lead.id, "Benchmark v2")
            uow.commit()
        container.runtime.clear_cache()
        timings = {}
        for label in ("cold", "warm"):
            start = time.perf_counter()
            with container.reader() as r:
                preview = migration_preview(r, lead, "client_journey")
            timings[label] = time.perf_counter() - start
        sample = [row.case_id for row in preview.rows[:200]]
        start = time.perf_counter()
        with container.reader() as r:
            model = model_by_id(r, shipped)
            for case_id in sample:
                load_workflow(r.session, container.runtime, case_id, model)
        load_ms = (time.perf_counter() - start) / max(1, len(sample)) * 1000
        selection = [(row.process_id, row.case_version) for row in preview.rows if row.migratable][:BATCH_LIMIT]
        start = time.perf_counter()
        result = migrate_cases(container.uow, lead, "client_journey", None, selection)
        batch_seconds = time.perf_counter() - start
    rows, can = len(preview.rows), len(preview.migratable_ids)
    echo(f"Integraflow migration benchmark (SQLite): {rows} running cases on version 1, target version 2")
    echo(f"  impact preview: {timings['cold']:.2f} s cold (parse v2, spec diff), {timings['warm']:.2f} s warm; "
         f"{preview.groups} state groups checked, {can} migratable, {rows - can} not")
    echo(f"  for comparison, loading a workflow: {load_ms:.1f} ms per case "
         f"(≈ {load_ms * rows / 1000:.1f} s for all {rows})")
    echo(f"  migrating one request's batch: {len(result.migrated)} cases in {batch_seconds:.2f} s "
         f"({batch_seconds / max(1, len(result.migrated)) * 1000:.0f} ms per case, each its own transaction)")
    return {"cases": rows, "preview_cold": timings["cold"], "preview_warm": timings["warm"], "groups": preview.groups,
            "load_ms": load_ms, "batch": len(result.migrated), "batch_seconds": batch_seconds}


__all__ = ["run_migration_benchmark"]
