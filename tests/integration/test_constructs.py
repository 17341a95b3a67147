"""The construct corpus: every BPMN construct the deploy gate accepts runs end to end through the services.

Each file in tests/fixtures/constructs is one small case process using one construct (user, script and manual
tasks; exclusive, parallel, inclusive and event-based gateways; an embedded sub-process; a call activity;
interrupting and non-interrupting boundary timers; an intermediate timer; a timer cycle; messages within a case;
an error boundary on a failing script; a multi-instance task over a list). Each is checked by the deploy gate,
deployed, started on a real case, driven by completing its tasks and moving the clock for the timer sweep, on
SQLite and PostgreSQL, straight through and with a save/restore round trip at every step.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.authoring import check_definition, deploy_definition, seed_shipped_forms
from engine.casework import complete_task, start_process, task_form
from engine.db import CaseProcess, CompletedTask, OpenTask
from engine.time import sweep_timers
from journey import Driver
from support import intake_form

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "constructs"
DATA = {
    "c_note": {"note": "erledigt"},
    "c_choice": MultiDict([("route", "a"), ("amount", "5"), ("areas", "language")]),
    "c_members": {"members-0-name": "Amal", "members-1-name": "Omar"},
    None: {},
}
# process: (actions, the steps completed in the end).
# Actions: a task id to complete next (the first open one with that id), ("wait", days) to let timers fire,
# ("with", task id, data) to complete with other data.
SCENARIOS = {
    "c_tasks": (["U1", "M1", "U2"], ["U1", "M1", "U2"]),
    "c_exclusive": (["U1", "UA"], ["U1", "UA"]),
    "c_parallel": (["UA", "UB"], ["UA", "UB"]),
    "c_inclusive": (["U1", "UL"], ["U1", "UL"]),
    "c_event_gateway": (["USend", "UMsg"], ["USend", "UMsg"]),
    "c_subprocess": (["SU", "U2"], ["SU", "U2"]),
    "c_call": (["U1", "U1", "U2"], ["U1", "U1", "U2"]),
    "c_boundary_interrupting": ([("wait", 4), "UEsc"], ["UEsc"]),
    "c_boundary_non_interrupting": ([("wait", 2), "URem", "U1"], ["URem", "U1"]),
    "c_timer": (["U1", ("wait", 3), "U2"], ["U1", "U2"]),
    "c_timer_cycle": ([("wait", 1), ("wait", 1), "URem", "URem", "U1"], ["URem", "URem", "U1"]),
    "c_messages": (["UA", "UB"], ["UA", "UB"]),
    "c_error_boundary": ([("with", "U1", MultiDict([("route", "a"), ("amount", "0")])), "UErr"], ["U1", "UErr"]),
    "c_multi_instance": (["U1", "UMI", "UMI"], ["U1", "UMI", "UMI"]),
}


@pytest.fixture
def corpus(container, world):
    """The corpus forms and every construct deployed through the gate (the called process first)."""
    uow = container.uow()
    with uow:
        seed_shipped_forms(uow, CORPUS / "forms")
        uow.commit()
    files = sorted(CORPUS.glob("*.bpmn"), key=lambda p: p.stem != "c_called")
    for path in files:
        xml = path.read_text(encoding="utf-8")
        uow = container.uow()
        with uow:
            errors = [p for p in check_definition(uow, path.stem, xml) if p.severity == "error"]
            assert errors == [], f"{path.name}: {errors}"
            deploy_definition(uow, path.stem, xml, world.carla.id, "Konstrukt")
            uow.commit()
    return container


def _element(task_spec: str) -> str:
    """The BPMN id of a task spec (SpiffWorkflow names a multi-instance task's instances "<id> [child]")."""
    return task_spec.split(" [")[0]


def _case_with_consent(container, world) -> str:
    return Driver(container).consented(world.anna, intake_form(world.town_a))


def _version(container, case_id: str) -> int:
    return Driver(container).version(case_id)


def _open_of(container, process_id: str) -> list[OpenTask]:
    with container.reader() as r:
        return list(r.session.execute(select(OpenTask).where(OpenTask.process_id == process_id)
                                      .order_by(OpenTask.created_at, OpenTask.id)).scalars())


def _complete(container, actor, case_id: str, process_id: str, spec: str, data=None, roundtrip: bool = False):
    if roundtrip:
        container.runtime.clear_cache()
    task = next((t for t in _open_of(container, process_id) if _element(t.task_spec) == spec), None)
    assert task is not None, f"{spec} is not open: {[t.task_spec for t in _open_of(container, process_id)]}"
    with container.reader() as r:
        tf = task_form(r, actor, case_id, task.id)
    raw = data if data is not None else DATA.get(task.form_key, DATA[None])
    complete_task(container.uow(), case_id, task.id, MultiDict(raw), actor, tf.version)


@pytest.mark.parametrize("roundtrip", [False, True], ids=["straight", "roundtrip"])
@pytest.mark.parametrize("construct", sorted(SCENARIOS))
def test_construct_runs_end_to_end_through_the_services(corpus, world, construct, roundtrip):
    container = corpus
    case_id = _case_with_consent(container, world)
    process_id = start_process(container.uow(), case_id, construct, world.anna, _version(container, case_id))
    actions, expected = SCENARIOS[construct]
    for action in actions:
        if isinstance(action, tuple) and action[0] == "wait":
            if roundtrip:
                container.runtime.clear_cache()
            container.clock.advance(days=action[1], hours=1)
            result = sweep_timers(container, "construct-test")
            assert result.failed == [], result
        elif isinstance(action, tuple):
            _complete(container, world.anna, case_id, process_id, action[1], action[2], roundtrip)
        else:
            _complete(container, world.anna, case_id, process_id, action, roundtrip=roundtrip)
    with container.reader() as r:
        process = r.session.get(CaseProcess, process_id)
        done = list(r.session.execute(select(CompletedTask.task_spec)
                                      .where(CompletedTask.process_id == process_id)).scalars())
        journey_open = r.session.execute(select(OpenTask.task_spec).where(OpenTask.process_id == case_id)).all()
    assert process.status == "completed"
    # The order is proven by the actions (each needs its task open); the record holds exactly those steps.
    assert sorted(_element(d) for d in done) == sorted(expected)
    assert _open_of(container, process_id) == []
    assert journey_open, "the journey goes on beside the finished process"


def test_every_corpus_file_is_in_a_scenario():
    files = {p.stem for p in CORPUS.glob("*.bpmn")} - {"c_called"}
    assert files == set(SCENARIOS)
