"""Moving running cases to a new version of the journey: preview, migrate, continue, revert, concurrency, tenancy."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from engine.audit import case_conformance
from engine.authoring import deploy_definition, migrate_case, migrate_cases, migration_preview, revert_migration
from engine.casework import complete_task
from engine.db import Case, Event, OpenTask, ProcessDefinition, WorkflowTaskArchive
from engine.errors import Conflict, Forbidden, NotFound
from journey import ASSESSMENT, Driver, target_agreement
from migration_cases import CONTACT, deploy_v2, scenario_cases
from support import add_user


@pytest.fixture
def scene(container, world):
    """v1 cases before and past the change, then v2 deployed by the team lead."""
    cases = scenario_cases(container, world)
    cases["v2"] = deploy_v2(container, world.carla.id)
    return cases


def _case(container, case_id) -> Case:
    with container.reader() as r:
        case = r.session.get(Case, case_id)
        r.session.expunge(case)
        return case


def _preview(container, actor, **kw):
    with container.reader() as r:
        return migration_preview(r, actor, "client_journey", **kw)


def test_preview_tells_which_cases_can_move_and_why_not(container, world, scene):
    preview = _preview(container, world.carla)
    rows = {r.case_id: r for r in preview.rows}
    assert set(rows) == {scene["early"], scene["waiting"]}  # the other organisation's case is not shown
    assert preview.target.version == 2
    early, waiting = rows[scene["early"]], rows[scene["waiting"]]
    assert early.migratable and early.steps == ["Bedarfsanalyse"] and early.version == 1
    assert not waiting.migratable
    assert waiting.reasons == ["Schritt „Überprüfung fällig“ wartet bereits und wurde in der neuen Version geändert."]
    assert preview.counts == {1: (1, 1)}
    assert preview.migratable_ids == [scene["early"]]


def test_migrated_case_continues_on_v2_through_the_new_task_to_closure(container, world, scene):
    drive = Driver(container, roundtrip=True)
    result = migrate_cases(container.uow, world.carla, "client_journey", None,
                           [(scene["early"], _case(container, scene["early"]).version), (scene["waiting"], None)])
    assert [c for c, _ in result.migrated] == [scene["early"]]
    assert [(c, reason) for c, _ref, reason in result.skipped] == [
        (scene["waiting"], "Schritt „Überprüfung fällig“ wartet bereits und wurde in der neuen Version geändert.")]
    case = _case(container, scene["early"])
    assert case.definition_id == scene["v2"]
    with container.reader() as r:
        event = r.session.execute(select(Event).where(Event.case_id == case.id, Event.kind == "case_migrated")).scalar()
    assert event.payload["from_version"] == 1 and event.payload["to_version"] == 2
    assert event.payload["to_definition_id"] == scene["v2"] and event.payload["actor"] == "carla"
    drive.complete(world.anna, case.id, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, case.id, target_agreement(), expect="Task_TargetAgreement")
    container.clock.set(container.clock.now().replace(year=2026, month=5, day=2))
    from engine.time import sweep_timers
    sweep_timers(container, "test")
    task = drive.open_task(case.id)
    assert (task.task_spec, task.title) == ("Task_ReviewPreparation", "Vorbereitungsgespräch zur Fortschreibung")
    drive.complete(world.anna, case.id, CONTACT, expect="Task_ReviewPreparation")
    drive.review(world.anna, case.id, status="achieved", next_step="close")
    drive.closure(world.anna, case.id)
    assert _case(container, case.id).status == "closed"
    with container.reader() as r:
        assert case_conformance(r, world.erik, case.id).fits


def test_case_left_on_v1_still_completes(container, world, scene):
    drive = Driver(container)
    drive.review(world.anna, scene["waiting"], status="achieved", next_step="close")
    drive.closure(world.anna, scene["waiting"])
    case = _case(container, scene["waiting"])
    assert case.status == "closed" and case.definition_id != scene["v2"]


def test_revert_moves_the_case_back_and_is_on_the_timeline(container, world, scene):
    migrate_case(container.uow(), world.carla, scene["early"], scene["v2"])
    revert_migration(container.uow(), world.carla, scene["early"])
    case = _case(container, scene["early"])
    with container.reader() as r:
        v1 = r.session.execute(select(ProcessDefinition.id).where(ProcessDefinition.version == 1)).scalar()
        events = [e.payload for e in r.session.execute(select(Event).where(
            Event.case_id == case.id, Event.kind == "case_migrated").order_by(Event.seq)).scalars()]
    assert case.definition_id == v1
    assert [(p["from_version"], p["to_version"], p["revert"]) for p in events] == [(1, 2, False), (2, 1, True)]
    with pytest.raises(Conflict, match="nichts zurückzunehmen"):
        revert_migration(container.uow(), world.carla, scene["early"])
    Driver(container, roundtrip=True).complete(world.anna, case.id, ASSESSMENT, expect="Task_Assessment")


def test_case_changed_since_the_preview_is_skipped_not_overwritten(container, world, scene):
    seen = _case(container, scene["early"]).version
    Driver(container).complete(world.anna, scene["early"], ASSESSMENT, expect="Task_Assessment")
    result = migrate_cases(container.uow, world.carla, "client_journey", 2, [(scene["early"], seen)])
    assert not result.migrated
    assert "seit der Vorschau geändert" in result.skipped[0][2]
    case = _case(container, scene["early"])
    assert case.definition_id != scene["v2"] and case.version == seen + 1
    assert Driver(container).open_task(case.id).task_spec == "Task_TargetAgreement"


def test_migration_reprojects_open_task_titles_and_keeps_the_claim(container, world, scene):
    with container.reader() as r:
        before = r.session.execute(select(OpenTask).where(OpenTask.case_id == scene["early"])).scalar()
    migrate_case(container.uow(), world.carla, scene["early"], scene["v2"])
    with container.reader() as r:
        after = r.session.execute(select(OpenTask).where(OpenTask.case_id == scene["early"])).scalar()
    assert (after.id, after.assignee_id, after.title) == (before.id, before.assignee_id, "Bedarfsanalyse")


def test_case_with_archived_history_moves_and_its_history_stays_intact(container, world, scene):
    """A version that only renames the closure: a case after two review rounds (history archived) can move."""
    drive = Driver(container, roundtrip=True)
    case_id = scene["waiting"]
    for month in ("05", "08"):
        drive.review(world.anna, case_id, date=f"2026-{month}-01")
    with container.reader() as r:
        xml = r.session.get(ProcessDefinition, _case(container, case_id).definition_id).bpmn_xml
        archived = r.session.execute(select(WorkflowTaskArchive.task_id, WorkflowTaskArchive.payload)
                                     .where(WorkflowTaskArchive.process_id == case_id)).all()
    uow = container.uow()
    with uow:
        v3 = deploy_definition(uow, "client_journey", xml.replace('name="Abschluss"', 'name="Abschluss und Übergabe"'),
                               world.carla.id).id
        uow.commit()
    rows = {r.case_id: r for r in _preview(container, world.carla).rows}
    assert rows[case_id].migratable and rows[case_id].version == 1
    migrate_case(container.uow(), world.carla, case_id, v3)
    with container.reader() as r:
        again = r.session.execute(select(WorkflowTaskArchive.task_id, WorkflowTaskArchive.payload)
                                  .where(WorkflowTaskArchive.process_id == case_id)).all()
    assert archived and sorted(again) == sorted(archived)
    drive.review(world.anna, case_id, status="achieved", next_step="close", date="2026-11-01")
    assert drive.open_task(case_id).title == "Abschluss und Übergabe"
    drive.closure(world.anna, case_id)
    assert _case(container, case_id).status == "closed"


def test_other_organisation_cannot_see_or_migrate_foreign_cases(container, world, scene):
    fritz = add_user(container, world, "fritz", "Fritz Fuchs", "supervisor", world.org_b)
    assert {r.case_id for r in _preview(container, fritz).rows} == {scene["foreign"]}
    with pytest.raises(NotFound):
        migrate_case(container.uow(), fritz, scene["early"], scene["v2"])
    result = migrate_cases(container.uow, fritz, "client_journey", None, [(scene["early"], None)])
    assert not result.migrated and result.skipped[0][2] == "Der Fall wurde nicht gefunden."
    admin = add_user(container, world, "root", "Root Admin", "admin", world.org_a)
    assert len(_preview(container, admin).rows) == 3


@pytest.mark.parametrize("who", ["anna", "erik"])
def test_caseworkers_and_compliance_are_refused(container, world, scene, who):
    with pytest.raises(Forbidden):
        _preview(container, world.users[who])
    with pytest.raises(Forbidden):
        migrate_case(container.uow(), world.users[who], scene["early"], scene["v2"])


def test_batch_reports_the_cases_left_for_the_next_request(container, world, scene):
    result = migrate_cases(container.uow, world.carla, "client_journey", None,
                           [(scene["early"], None), (scene["waiting"], None)], limit=1)
    assert len(result.migrated) == 1 and result.remaining == [scene["waiting"]]


def test_closed_cases_and_same_version_are_refused(container, world, scene):
    migrate_case(container.uow(), world.carla, scene["early"], scene["v2"])
    with pytest.raises(Conflict, match="bereits auf Version 2"):
        migrate_case(container.uow(), world.carla, scene["early"], scene["v2"])
    uow = container.uow()
    with uow:
        uow.session.execute(update(Case).where(Case.id == scene["waiting"]).values(status="closed"))
        uow.commit()
    with pytest.raises(Conflict, match="abgeschlossen"):
        migrate_case(container.uow(), world.carla, scene["waiting"], scene["v2"])


def test_form_opened_before_the_migration_is_refused_not_applied_to_the_new_version(container, world, scene):
    drive = Driver(container)
    task, form = drive.prefill(world.anna, scene["early"])
    migrate_case(container.uow(), world.carla, scene["early"], scene["v2"])
    with pytest.raises(Conflict, match="inzwischen von jemand anderem geändert"):
        complete_task(container.uow(), scene["early"], task.id, MultiDict(ASSESSMENT), world.anna, form.version)
    assert drive.open_task(scene["early"]).task_spec == "Task_Assessment"


def test_preview_against_the_draft_before_deploying_it(container, world):
    from engine.authoring import save_draft
    from migration_cases import V2

    cases = scenario_cases(container, world)
    with pytest.raises(NotFound):  # no draft yet
        _preview(container, world.carla, draft=True)
    save_draft(container.uow(), "client_journey", V2.read_text(encoding="utf-8"), None, world.carla)
    preview = _preview(container, world.carla, draft=True)
    # The same verdicts as after deploying it, before anything is deployed.
    assert (preview.target.id, preview.target.version) == (None, 2)
    rows = {r.case_id: r for r in preview.rows}
    assert rows[cases["early"]].migratable and not rows[cases["waiting"]].migratable
    with container.reader() as r:
        assert r.session.execute(select(ProcessDefinition.version)
                                 .where(ProcessDefinition.key == "client_journey")).scalars().all() == [1]


def test_preview_refuses_a_draft_that_cannot_run(container, world):
    from engine.db import DefinitionDraft
    from engine.errors import InvalidInput

    uow = container.uow()
    with uow:
        uow.session.add(DefinitionDraft(key="client_journey", bpmn_xml="<kein-bpmn/>", updated_by=world.carla.id,
                                        updated_at=container.clock.now(), version=1))
        uow.commit()
    with pytest.raises(InvalidInput, match="Entwurf ist nicht lauffähig"):
        _preview(container, world.carla, draft=True)
