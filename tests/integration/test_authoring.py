"""Authoring: drafts with optimistic concurrency, the deploy gate, immutable versions, form versions in force."""
from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from engine.authoring import (
    Refused,
    adopt_version,
    definitions_overview,
    deploy_draft,
    deploy_form,
    discard_draft,
    form_uses,
    save_draft,
    save_form_draft,
)
from engine.casework import task_form
from engine.config import SHIPPED_BPMN_DIR
from engine.db import Case, DefinitionDraft, Event, FormVersion, ProcessDefinition
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.setup import prepare_database
from journey import CONSENT, Driver
from support import intake_form

SHIPPED = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")
RENAMED = SHIPPED.replace('name="Bedarfsanalyse"', 'name="Bedarfsgespräch"')


def _definitions(container) -> list[ProcessDefinition]:
    with container.reader() as r:
        return list(r.session.execute(select(ProcessDefinition).where(ProcessDefinition.key == "client_journey")
                                      .order_by(ProcessDefinition.version)).scalars())


def _events(container, kind: str) -> list[Event]:
    with container.reader() as r:
        return list(r.session.execute(select(Event).where(Event.kind == kind).order_by(Event.seq)).scalars())


def _deploy(container, actor, xml=RENAMED, comment="Umbenannt") -> ProcessDefinition:
    saved = save_draft(container.uow(), "client_journey", xml, None, actor)
    return deploy_draft(container.uow(), "client_journey", saved.version, comment, actor)


def test_second_supervisor_saving_an_outdated_draft_gets_a_conflict_and_nothing_is_lost(container, world):
    first = save_draft(container.uow(), "client_journey", RENAMED, None, world.carla)
    assert first.version == 1
    with pytest.raises(Conflict, match="Der Entwurf wurde inzwischen von Carla Cramer"):
        save_draft(container.uow(), "client_journey", SHIPPED, None, world.carla)  # opened before the first save
    second = save_draft(container.uow(), "client_journey", RENAMED + "\n", 1, world.carla)
    assert second.version == 2
    with pytest.raises(Conflict):
        save_draft(container.uow(), "client_journey", SHIPPED, 1, world.carla)
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey").bpmn_xml == RENAMED + "\n"


def test_only_supervisors_and_admins_author(container, world):
    for actor in (world.anna, world.erik):
        with pytest.raises(Forbidden):
            save_draft(container.uow(), "client_journey", RENAMED, None, actor)


def test_deploy_is_refused_while_lint_errors_remain_and_nothing_is_written(container, world):
    broken = RENAMED.replace('camunda:formKey="assessment" ', "")
    saved = save_draft(container.uow(), "client_journey", broken, None, world.carla)
    assert any(p.element_id == "Task_Assessment" for p in saved.problems)
    with pytest.raises(Refused) as refused:
        deploy_draft(container.uow(), "client_journey", saved.version, "Versuch", world.carla)
    assert any(p.element_id == "Task_Assessment" and p.severity == "error" for p in refused.value.problems)
    assert [d.version for d in _definitions(container)] == [1]
    with pytest.raises(InvalidInput, match="Kommentar"):
        deploy_draft(container.uow(), "client_journey", saved.version, "  ", world.carla)


def test_deploy_creates_an_immutable_version_new_cases_start_on_it_running_cases_stay(container, world):
    running = Driver(container).open(world.anna, intake_form(world.town_a))
    v1 = _definitions(container)[0]
    v2 = _deploy(container, world.carla)
    assert v2.version == 2 and v2.comment == "Umbenannt" and v2.deployed_by == world.carla.id
    [v1_again, _] = _definitions(container)
    assert (v1_again.bpmn_xml, v1_again.checksum) == (v1.bpmn_xml, v1.checksum)
    [event] = _events(container, "definition_deployed")
    assert event.actor_id == world.carla.id and event.payload["version"] == 2
    fresh = Driver(container).open(world.anna, intake_form(world.town_a))
    with container.reader() as r:
        assert r.session.get(Case, running).definition_id == v1.id
        assert r.session.get(Case, fresh).definition_id == v2.id
        assert r.session.get(DefinitionDraft, "client_journey") is None
        [entry] = [e for e in definitions_overview(r.session) if e.key == "client_journey"]
    assert entry.running == {v1.id: 1, v2.id: 1} and [v.version for v in entry.versions] == [2, 1]
    Driver(container).complete(world.anna, running, CONSENT, expect="Task_Consent")  # v1 still runs


def test_restart_keeps_a_supervisors_version_and_deploys_nothing(container, world):
    _deploy(container, world.carla)
    prepare_database(container)
    assert [d.version for d in _definitions(container)] == [1, 2]
    with container.reader() as r:
        assert r.session.execute(select(FormVersion.version).where(FormVersion.form_id == "intake")).scalars() \
            .all() == [1]


def test_adopt_an_older_version_and_discard(container, world):
    _deploy(container, world.carla)
    v1 = _definitions(container)[0]
    assert adopt_version(container.uow(), v1.id, None, world.carla) == 1
    with container.reader() as r:
        draft = r.session.get(DefinitionDraft, "client_journey")
        assert draft.bpmn_xml == SHIPPED and draft.based_on_definition_id == v1.id
    with pytest.raises(Conflict):
        adopt_version(container.uow(), v1.id, None, world.carla)  # the page did not know the draft
    discard_draft(container.uow(), "client_journey", 1, world.carla)
    with container.reader() as r:
        assert r.session.get(DefinitionDraft, "client_journey") is None


def _latest_schema(container, form_id: str) -> dict:
    with container.reader() as r:
        return copy.deepcopy(r.session.execute(select(FormVersion.schema).where(FormVersion.form_id == form_id)
                                               .order_by(FormVersion.version.desc()).limit(1)).scalar_one())


def test_running_case_shows_the_new_form_version_and_the_completion_records_it(container, world):
    driver = Driver(container)
    case_id = driver.open(world.anna, intake_form(world.town_a))
    driver.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    schema = _latest_schema(container, "assessment")
    schema["components"].append({"id": "Field_interpreter_note", "type": "textfield", "key": "interpreter_note",
                                 "label": "Hinweis zur Sprachmittlung"})
    saved = save_form_draft(container.uow(), "assessment", schema, None, world.carla)
    assert saved.problems == []
    row = deploy_form(container.uow(), "assessment", saved.version, "Sprachmittlung", world.carla)
    assert row.version == 2
    task = driver.open_task(case_id)
    with container.reader() as r:
        form = task_form(r, world.anna, case_id, task.id).form
    assert "Hinweis zur Sprachmittlung" in [c.label for c in form.walk()]
    from journey import ASSESSMENT
    driver.complete(world.anna, case_id, {**ASSESSMENT, "interpreter_note": "Arabisch"}, expect="Task_Assessment")
    completions = _events(container, "task_completed")
    assert completions[-1].payload["form"] == "assessment" and completions[-1].payload["form_version"] == 2
    assert completions[0].payload["form"] == "intake" and completions[0].payload["form_version"] == 1
    [deployed] = _events(container, "form_deployed")
    assert deployed.actor_id == world.carla.id and deployed.payload == {
        "form": "assessment", "version": 2, "checksum": row.checksum, "comment": "Sprachmittlung"}


def test_form_change_removing_a_field_a_condition_reads_is_refused(container, world):
    schema = _latest_schema(container, "eligibility_review")
    schema["components"] = [c for c in schema["components"] if c.get("key") != "eligibility_decision"]
    saved = save_form_draft(container.uow(), "eligibility_review", schema, None, world.carla)
    with pytest.raises(Refused) as refused:
        deploy_form(container.uow(), "eligibility_review", saved.version, "Feld weg", world.carla)
    assert [(p.element_id, "eligibility_decision" in p.message) for p in refused.value.problems] == [
        ("Flow_Decision_Approve", True)]
    with container.reader() as r:
        assert r.session.execute(select(FormVersion.version).where(FormVersion.form_id == "eligibility_review")
                                 ).scalars().all() == [1]


def test_invalid_form_is_saved_as_draft_but_never_deployed(container, world):
    bad = {"id": "contact", "type": "default", "components": [{"type": "textfield", "id": "F1"}]}
    saved = save_form_draft(container.uow(), "contact", bad, None, world.carla)
    assert saved.problems and saved.problems[0].severity == "error"
    with pytest.raises(Refused, match="ungültig"):
        deploy_form(container.uow(), "contact", saved.version, "kaputt", world.carla)


def test_form_catalog_is_read_once_per_generation(container, world):
    with container.reader() as r:
        first = r.forms
        assert r.forms is first
    with container.reader() as r:
        assert r.forms is first
    schema = _latest_schema(container, "contact")
    schema["components"][0]["description"] = "Neu"
    saved = save_form_draft(container.uow(), "contact", schema, None, world.carla)
    deploy_form(container.uow(), "contact", saved.version, "Beschreibung", world.carla)
    with container.reader() as r:
        assert r.forms is not first and r.forms.version_of("contact") == 2


def test_where_used_lists_user_tasks_and_built_in_pages(container):
    with container.reader() as r:
        uses = form_uses(r.session)
    assert [(u.key, u.element_id) for u in uses["assessment"]] == [("client_journey", "Task_Assessment")]
    assert [u.label for u in uses["contact"]] == ["Kontakt dokumentieren (Fallseite)"]
    assert ("client_journey", "Task_Intake") in [(u.key, u.element_id) for u in uses["intake"]]
    assert "Neuer Fall (Erstaufnahme)" in [u.label for u in uses["intake"]]
