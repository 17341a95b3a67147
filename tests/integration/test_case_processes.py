"""Several processes per case: starting, working, finishing, closing, migrating; data of forms without a meaning."""
from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.authoring import deploy_definition, migrate_cases, migration_preview, seed_shipped_forms
from engine.base import close_case
from engine.casework import (
    WorklistFilter,
    case_view,
    complete_task,
    start_process,
    startable_processes,
    task_form,
    worklist,
)
from engine.config import SHIPPED_BPMN_DIR
from engine.db import Case, CaseProcess, CompletedTask, Event, OpenTask
from engine.errors import Conflict, Forbidden, NotFound
from engine.privacy import anonymise_due_cases, export_json
from engine.reporting import form_data_csv
from journey import Driver
from support import intake_form

RECOGNITION = (SHIPPED_BPMN_DIR / "recognition.bpmn").read_text(encoding="utf-8")
# A team lead's new process with one step on a new form (no declared meaning).
LANGUAGE_CHECK = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="https://t">
  <bpmn:process id="sprachkurs" name="Sprachkurs begleiten" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="integraflow.kind" value="case_process"/>
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="s"/><bpmn:endEvent id="e"/>
    <bpmn:userTask id="Check" name="Sprachstand erheben" camunda:formKey="sprachstand"
                   camunda:candidateGroups="caseworker"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="Check"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Check" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>"""
ADVICE = {"advice_date": "2026-01-20", "profession": "Krankenpflegerin", "qualification_country": "Syrien",
          "advice_center": "iq", "regulated": "yes", "advice_note": "Unterlagen sammeln, Übersetzung beantragen"}


def _version(container, case_id):
    return Driver(container).version(case_id)


def _case(container, world, **intake) -> str:
    return Driver(container).consented(world.anna, intake_form(world.town_a, **intake))


def _start(container, world, case_id, key="recognition", actor=None) -> str:
    return start_process(container.uow(), case_id, key, actor or world.anna, _version(container, case_id))


def _open(container, process_id) -> list[OpenTask]:
    with container.reader() as r:
        return list(r.session.execute(select(OpenTask).where(OpenTask.process_id == process_id)).scalars())


def _complete(container, actor, case_id, task, data):
    with container.reader() as r:
        tf = task_form(r, actor, case_id, task.id)
    return complete_task(container.uow(), case_id, task.id, MultiDict(data), actor, tf.version)


def test_started_process_runs_beside_the_journey_and_its_data_shows_on_the_case_page(container, world):
    case_id = _case(container, world)
    with container.reader() as r:
        assert [(c.key, c.running) for c in startable_processes(r, case_id)] == [("recognition", False)]
    process_id = _start(container, world, case_id)
    [advice] = _open(container, process_id)
    assert (advice.task_spec, advice.step, advice.needs_consent, advice.case_id) == \
        ("Task_Advice", None, True, case_id)
    with container.reader() as r:
        rows, _total = worklist(r, world.anna, WorklistFilter())
        assert [(row.title, row.process_name) for row in rows if row.task_id == advice.id] == \
            [("Erstberatung zur Anerkennung", "Anerkennung ausländischer Berufsabschlüsse")]
        assert [c.running for c in startable_processes(r, case_id)] == [True]
    _complete(container, world.anna, case_id, advice, ADVICE)
    assert [t.task_spec for t in _open(container, process_id)] == ["Task_Documents"]
    with container.reader() as r:
        view = case_view(r, world.anna, case_id)
        case = r.session.get(Case, case_id)
        assert case.phase == "assessment"  # the journey's phase, untouched by the other process
    assert [(p.process.key, p.process.journey) for p in view.processes] == \
        [("client_journey", True), ("recognition", False)]
    assert view.processes[1].current_elements == ["Task_Documents"]
    assert "Task_Advice" in view.processes[1].done_elements
    [section] = view.form_sections
    assert section.title == "Erstberatung zur Anerkennung"
    fields = {f.label: f.value for f in section.entries[0].fields}
    assert fields["Datum der Beratung"] == "20.01.2026"
    assert fields["Beratung durch"] == "IQ-Netzwerk / Anerkennungsberatung"
    assert fields["Reglementierter Beruf?"] == "Ja – Anerkennung ist Voraussetzung für die Berufsausübung"


def test_a_process_runs_once_per_case_and_only_on_open_cases_it_may_be_started_on(container, world):
    case_id = _case(container, world)
    _start(container, world, case_id)
    with pytest.raises(Conflict, match="läuft für diesen Fall bereits"):
        _start(container, world, case_id)
    with pytest.raises(Conflict, match="inzwischen von jemand anderem geändert"):
        start_process(container.uow(), case_id, "recognition", world.anna, _version(container, case_id) - 1)
    with pytest.raises(NotFound):
        _start(container, world, case_id, actor=world.dora)  # another organisation's case
    with pytest.raises(NotFound, match="Diesen Ablauf gibt es nicht"):
        _start(container, world, case_id, key="client_journey")  # the journey runs once, from the intake
    with pytest.raises(Forbidden):
        _start(container, world, case_id, actor=world.erik)  # compliance reads, never writes


def test_a_process_only_for_calls_cannot_be_started_by_hand(container, world):
    hidden = RECOGNITION.replace('id="recognition"', 'id="nur_aufruf"').replace(
        'bpmnElement="recognition"', 'bpmnElement="nur_aufruf"').replace(
        'name="integraflow.startable" value="true"', 'name="integraflow.startable" value="false"')
    uow = container.uow()
    with uow:
        deploy_definition(uow, "nur_aufruf", hidden, world.carla.id, "nur Aufruf")
        uow.commit()
    case_id = _case(container, world)
    with container.reader() as r:
        assert [c.key for c in startable_processes(r, case_id)] == ["recognition"]
    with pytest.raises(Forbidden, match="nur von einem anderen Prozess aufgerufen"):
        _start(container, world, case_id, key="nur_aufruf")


def test_a_process_deployed_after_a_case_page_was_shown_is_offered_at_once(container, world):
    case_id = _case(container, world)
    with container.reader() as r:
        assert [c.key for c in startable_processes(r, case_id)] == ["recognition"]
    uow = container.uow()
    with uow:
        deploy_definition(uow, "sprachkurs", LANGUAGE_CHECK, world.carla.id, "neu")
        uow.commit()
    _start(container, world, case_id)
    with container.reader() as r:
        queried = startable_processes(r, case_id)
        given = startable_processes(r, case_id, [p.process for p in case_view(r, world.anna, case_id).processes])
    assert [(c.key, c.running) for c in queried] == [("recognition", True), ("sprachkurs", False)]
    assert given == queried  # the case page passes the processes it read: same answer without the query


def test_finishing_the_process_leaves_the_case_open_and_closing_the_case_ends_running_processes(container, world):
    case_id = _case(container, world)
    finished = _start(container, world, case_id)
    _complete(container, world.anna, case_id, _open(container, finished)[0], ADVICE)
    _complete(container, world.anna, case_id, _open(container, finished)[0],
              {"documents": "certificate", "all_collected": "on"})
    _complete(container, world.anna, case_id, _open(container, finished)[0],
              {"application_date": "2026-02-01", "authority": "Regierungspräsidium Stuttgart"})
    _complete(container, world.anna, case_id, _open(container, finished)[0],
              {"decision_date": "2026-04-01", "decision": "full"})
    with container.reader() as r:
        process = r.session.get(CaseProcess, finished)
        assert (process.status, r.session.get(Case, case_id).status) == ("completed", "open")
        kinds = list(r.session.execute(select(Event.kind).where(Event.case_id == case_id)).scalars())
        assert kinds.count("process_started") == 1 and kinds.count("process_completed") == 1
    again = _start(container, world, case_id)  # finished: it may run again
    uow = container.uow()
    with uow:
        close_case(uow, uow.session.get(Case, case_id), "moved_away", None, world.anna.id)
        uow.commit()
    with container.reader() as r:
        assert r.session.get(CaseProcess, again).status == "cancelled"
        assert r.session.get(CaseProcess, case_id).status == "completed"
    assert _open(container, again) == []


def test_a_running_process_migrates_to_a_new_version_of_its_own(container, world):
    case_id = _case(container, world)
    process_id = _start(container, world, case_id)
    uow = container.uow()
    with uow:
        deploy_definition(uow, "recognition", RECOGNITION.replace('name="Antrag stellen"',
                                                                  'name="Antrag einreichen"'),
                          world.carla.id, "Umbenannt")
        uow.commit()
    with container.reader() as r:
        preview = migration_preview(r, world.carla, "recognition")
    assert [(row.case_id, row.process_id, row.migratable) for row in preview.rows] == [(case_id, process_id, True)]
    result = migrate_cases(container.uow, world.carla, "recognition", None, [(process_id, None)])
    assert [cid for cid, _ref in result.migrated] == [process_id]
    _complete(container, world.anna, case_id, _open(container, process_id)[0], ADVICE)
    _complete(container, world.anna, case_id, _open(container, process_id)[0],
              {"documents": "certificate", "all_collected": "on"})
    assert [t.title for t in _open(container, process_id)] == ["Antrag einreichen"]  # the new version's step
    with container.reader() as r:
        assert r.session.get(Case, case_id).definition_id == r.session.get(CaseProcess, case_id).definition_id
        assert r.session.get(CaseProcess, process_id).definition_id != r.session.get(Case, case_id).definition_id


def test_data_of_a_new_form_is_exported_included_in_art_15_and_anonymised(container, world, clock, tmp_path):
    form = {"type": "default", "id": "sprachstand", "components": [
        {"id": "F_level", "type": "select", "key": "level", "label": "Niveau",
         "values": [{"label": "A2", "value": "a2"}, {"label": "B1", "value": "b1"}], "validate": {"required": True}},
        {"id": "F_memo", "type": "textarea", "key": "memo", "label": "Beobachtung"}],
        "properties": {"title": "Sprachstand"}}
    (tmp_path / "sprachstand.json").write_text(json.dumps(form), encoding="utf-8")
    uow = container.uow()
    with uow:
        seed_shipped_forms(uow, tmp_path)  # as a team lead's new form, version 1
        uow.commit()
    uow = container.uow()
    with uow:
        deploy_definition(uow, "sprachkurs", LANGUAGE_CHECK, world.carla.id, "neuer Ablauf")
        uow.commit()
    case_id = _case(container, world, last_name="Sprachstand")
    process_id = _start(container, world, case_id, key="sprachkurs")
    _complete(container, world.anna, case_id, _open(container, process_id)[0],
              {"level": "b1", "memo": "Spricht schon gut, liest langsam"})
    csv = form_data_csv(container.uow(), world.carla, "sprachstand").decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0] == "Aktenzeichen;Kommune;Schritt;Erledigt am;Niveau;Beobachtung"
    assert lines[1].endswith(";B1;Spricht schon gut, liest langsam") and len(lines) == 2
    other_lead = dataclasses.replace(world.dora, role="supervisor")  # a team lead of another organisation
    assert form_data_csv(container.uow(), other_lead, "sprachstand").decode("utf-8-sig").splitlines()[1:] == []
    with container.reader() as r:
        assert r.session.execute(select(Event.payload).where(Event.kind == "form_data_exported")).scalars().first() \
            == {"form": "sprachstand", "rows": 1}
    body, _name = export_json(container.uow(), world.carla, case_id)
    assert "Spricht schon gut" in body.decode("utf-8")
    uow = container.uow()
    with uow:
        close_case(uow, uow.session.get(Case, case_id), "moved_away", None, world.anna.id)
        uow.commit()
    clock.set(datetime(2030, 1, 1, 10, 0, tzinfo=UTC))
    assert anonymise_due_cases(container).cases == 1
    with container.reader() as r:
        data = r.session.execute(select(CompletedTask.data).where(CompletedTask.form_key == "sprachstand")).scalar_one()
    assert data["memo"] is None and data["level"] == "b1"  # free text gone, the choice stays for statistics
