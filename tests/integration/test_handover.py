"""Case handover through the services: single, by caseworker, by municipality; tasks, grants, events, locking."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from compliance_cases import findings
from engine.access import (
    HandoverRequest,
    execute_handover,
    hand_over_case,
    handover_preview,
    prepare_handover,
    set_read_only_days,
)
from engine.audit import verify_chain
from engine.base import readable_case
from engine.casework import WorklistFilter, case_view, search_cases, worklist
from engine.db import Case, CaseAccessGrant, Event, HandoverCase, Municipality, OpenTask, Reminder, UserMunicipality
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import add_user, intake_form, rows

NOTE = "Frau Haddad wünscht Termine vormittags; B1-Kurs läuft."


@pytest.fixture
def staff(container, world):
    """A supervisor of organisation B and an admin, next to the world's people."""
    add_user(container, world, "bernd", "Bernd Bauer", "supervisor", world.org_b)
    add_user(container, world, "adele", "Adele Admin", "admin", world.erik.organisation_id)
    return world.users


def _case(container, world, last_name="Haddad", consent=True) -> str:
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a, last_name=last_name))
    if consent:
        drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    return case_id


def _get(container, model, key):
    with container.reader() as r:
        return r.session.get(model, key)


def _request(**kw) -> HandoverRequest:
    return HandoverRequest(**{"kind": "case", "note": NOTE, **kw})


def test_single_case_to_caseworker_of_another_organisation(container, world, staff):
    case_id = _case(container, world)
    version = _get(container, Case, case_id).version
    result = hand_over_case(container.uow(), world.carla, case_id, version, _request(to_user_id=world.dora.id))
    assert (result.handed_over, result.skipped) == (1, [])
    case = _get(container, Case, case_id)
    assert (case.organisation_id, case.responsible_user_id, case.version) == (world.org_b, world.dora.id, version + 1)
    task = rows(container, OpenTask, case_id=case_id)[0]
    assert (task.organisation_id, task.assignee_id) == (world.org_b, world.dora.id)
    event = rows(container, Event, case_id=case_id, kind="case_handed_over")[0]
    assert event.payload.items() >= {"from_org": world.org_a, "to_org": world.org_b, "from_user": world.anna.id,
                                  "to_user": world.dora.id, "note": NOTE, "batch_id": result.batch_id,
                                  "actor": world.carla.id}.items()
    # The receiver sees the whole history; her supervisor and she get an inbox entry with the note.
    with container.reader() as r:
        view = case_view(r, world.dora, case_id)
        assert {e.kind for e in view.timeline} >= {"case_opened", "consent_recorded", "case_handed_over"}
        assert view.last_handover.payload["note"] == NOTE and view.read_only_until is None
        assert [row.case_id for row in search_cases(r, world.dora)[0]] == [case_id]
    inbox = {(m.recipient_id, m.kind) for m in rows(container, Reminder, case_id=case_id)}
    assert inbox == {(staff["bernd"].id, "handover"), (world.dora.id, "handover")}
    assert NOTE in rows(container, Reminder, case_id=case_id)[0].title
    with container.reader() as r:
        assert verify_chain(r.session.connection()).ok


def test_the_case_page_names_the_last_handover_after_a_long_history(container, world, staff):
    from engine.base import record_event
    from engine.casework.case_page import TIMELINE_LIMIT

    case_id = _case(container, world)
    hand_over_case(container.uow(), world.carla, case_id, _get(container, Case, case_id).version,
                   _request(to_user_id=world.dora.id))
    with container.uow() as uow:  # more history than the page's timeline shows: the handover drops out of it
        for i in range(TIMELINE_LIMIT):
            record_event(uow, "note_added", world.dora.id, case_id, note_id=i)
        uow.commit()
    with container.reader() as r:
        view = case_view(r, world.dora, case_id)
        assert "case_handed_over" not in {e.kind for e in view.timeline}
        assert view.last_handover.payload["note"] == NOTE


def test_previous_organisation_reads_during_the_period_then_loses_access(container, world, staff, clock):
    case_id = _case(container, world)
    hand_over_case(container.uow(), world.carla, case_id, _get(container, Case, case_id).version,
                   _request(to_organisation_id=world.org_b))
    grant = rows(container, CaseAccessGrant, case_id=case_id)[0]
    assert grant.until == clock.now() + timedelta(days=30) and grant.organisation_id == world.org_a
    with container.reader() as r:
        assert case_view(r, world.carla, case_id).read_only_until == grant.until
        assert case_view(r, world.anna, case_id).read_only_until == grant.until     # she handed it over
        assert search_cases(r, world.carla)[0] == []                              # not listed as editable
        assert worklist(r, world.anna, WorklistFilter(scope="all"))[0] == []
        task = rows(container, OpenTask, case_id=case_id)[0]
        assert task.assignee_id is None and task.organisation_id == world.org_b  # receiving team's pool
    clock.advance(days=30, seconds=1)
    with container.reader() as r, pytest.raises(NotFound):
        readable_case(r, world.carla, case_id)


def test_read_only_days_are_configurable_by_the_admin_only(container, world, staff, clock):
    with pytest.raises(Forbidden):
        set_read_only_days(container.uow(), world.carla, 5)
    set_read_only_days(container.uow(), staff["adele"], 5)
    case_id = _case(container, world)
    hand_over_case(container.uow(), world.carla, case_id, _get(container, Case, case_id).version,
                   _request(to_organisation_id=world.org_b))
    assert rows(container, CaseAccessGrant, case_id=case_id)[0].until == clock.now() + timedelta(days=5)


def test_stale_version_refuses_the_single_handover_and_writes_nothing(container, world, staff):
    case_id = _case(container, world)
    stale = _get(container, Case, case_id).version - 1
    events = len(rows(container, Event))
    with pytest.raises(Conflict):
        hand_over_case(container.uow(), world.carla, case_id, stale, _request(to_user_id=world.dora.id))
    assert _get(container, Case, case_id).organisation_id == world.org_a
    assert len(rows(container, Event)) == events and rows(container, CaseAccessGrant) == []


def test_bulk_by_caseworker_moves_open_cases_and_skips_one_changed_meanwhile(container, world, staff):
    ids = [_case(container, world, last_name=f"Klient{i}") for i in range(3)]
    batch = prepare_handover(container.uow(), world.carla, HandoverRequest(
        kind="caseworker", source_id=world.anna.id, to_user_id=world.ben.id, note=NOTE))
    with container.reader() as r:
        preview = handover_preview(r, world.carla, batch)
    assert (preview.cases, preview.open_tasks, preview.to_user) == (3, 3, "Ben Berg")
    Driver(container).complete(world.anna, ids[0], {"assessment_date": "2026-01-15",
                                                    "assessment_summary": "x"}, expect="Task_Assessment")
    result = execute_handover(container.uow(), world.carla, batch)
    assert result.handed_over == 2 and result.skipped == [_get(container, Case, ids[0]).reference]
    assert _get(container, Case, ids[0]).responsible_user_id == world.anna.id
    assert {_get(container, Case, i).responsible_user_id for i in ids[1:]} == {world.ben.id}
    assert {t.assignee_id for i in ids[1:] for t in rows(container, OpenTask, case_id=i)} == {world.ben.id}
    assert rows(container, CaseAccessGrant) == []                         # same organisation: nothing to grant
    with container.reader() as r:
        outcomes = sorted(r.session.execute(select(HandoverCase.outcome)).scalars())
    assert outcomes == ["handed_over", "handed_over", "skipped"]
    with pytest.raises(Conflict):
        execute_handover(container.uow(), world.carla, batch)             # a batch runs once
    assert findings(container, rule="single_responsible") == {}


def test_municipality_changes_provider_with_all_open_cases(container, world, staff):
    ids = [_case(container, world, last_name=f"Klient{i}") for i in range(2)]
    request = HandoverRequest(kind="municipality", source_id=world.town_a, to_user_id=world.dora.id, note=NOTE)
    with pytest.raises(Forbidden):
        prepare_handover(container.uow(), world.carla, request)
    result = execute_handover(container.uow(), staff["adele"], prepare_handover(container.uow(), staff["adele"],
                                                                                request))
    assert result.handed_over == 2
    assert _get(container, Municipality, world.town_a).organisation_id == world.org_b
    served = {(m.user_id, m.municipality_id) for m in rows(container, UserMunicipality)}
    assert (world.anna.id, world.town_a) not in served and (world.dora.id, world.town_a) in served
    assert {_get(container, Case, i).organisation_id for i in ids} == {world.org_b}
    assert rows(container, Event, kind="municipality_provider_changed")[0].payload["to_org"] == world.org_b
    assert findings(container, rule="single_responsible") == {}
    with container.reader() as r:
        assert verify_chain(r.session.connection()).ok


def test_forged_targets_and_sources_are_refused(container, world, staff):
    case_id = _case(container, world)
    version = _get(container, Case, case_id).version
    for forged in (_request(to_user_id=world.erik.id), _request(to_user_id=999_999),
                   _request(to_user_id=world.dora.id, to_organisation_id=world.org_a),
                   _request(to_organisation_id=999_999), _request(to_user_id=world.dora.id, note="  ")):
        with pytest.raises(InvalidInput):
            hand_over_case(container.uow(), world.carla, case_id, version, forged)
    with pytest.raises(NotFound):      # another organisation's case: as if it did not exist
        hand_over_case(container.uow(), staff["bernd"], case_id, version, _request(to_user_id=world.dora.id))
    with pytest.raises(NotFound):      # another organisation's caseworker as the source of a bulk handover
        prepare_handover(container.uow(), staff["bernd"], HandoverRequest(
            kind="caseworker", source_id=world.anna.id, to_user_id=world.dora.id, note=NOTE))
    batch = prepare_handover(container.uow(), world.carla, HandoverRequest(
        kind="caseworker", source_id=world.anna.id, to_user_id=world.dora.id, note=NOTE))
    with pytest.raises(NotFound):      # somebody else's prepared batch
        execute_handover(container.uow(), staff["bernd"], batch)
    with pytest.raises(Forbidden):
        hand_over_case(container.uow(), world.anna, case_id, version, _request(to_user_id=world.ben.id))
    assert _get(container, Case, case_id).organisation_id == world.org_a


def test_caseworker_sees_only_served_municipalities_or_own_cases(container, world, staff):
    cora = add_user(container, world, "cora", "Cora Conrad", "caseworker", world.org_a)
    with container.uow() as uow:
        other = Municipality(name="Cweiler", organisation_id=world.org_a)
        uow.session.add(other)
        uow.session.flush()
        uow.session.add(UserMunicipality(user_id=cora.id, municipality_id=other.id))
        uow.commit()
        town_c = other.id
    mine = _case(container, world, last_name="Mein")
    theirs = Driver(container).open(world.carla, intake_form(town_c, last_name="Fremdort"))
    with container.reader() as r:
        assert [c.case_id for c in search_cases(r, world.ben)[0]] == [mine]
        assert {c.case_id for c in search_cases(r, world.carla)[0]} == {mine, theirs}
        assert {t.case_id for t in worklist(r, world.ben, WorklistFilter(scope="all"))[0]} == {mine}
        with pytest.raises(NotFound):
            case_view(r, world.ben, theirs)


def test_receiver_works_on_after_the_handover(container, world, staff):
    case_id = _case(container, world)
    hand_over_case(container.uow(), world.carla, case_id, _get(container, Case, case_id).version,
                   _request(to_user_id=world.dora.id))
    Driver(container).complete(world.dora, case_id, ASSESSMENT, expect="Task_Assessment")
    task = rows(container, OpenTask, case_id=case_id)[0]
    assert (task.task_spec, task.assignee_id, task.organisation_id) == ("Task_TargetAgreement", world.dora.id,
                                                                        world.org_b)
    with pytest.raises(NotFound):     # the previous caseworker may read (period), never write
        Driver(container).complete(world.anna, case_id, target_agreement(), expect="Task_TargetAgreement")


def test_handover_to_an_organisation_is_a_finding_until_its_supervisor_assigns(container, world, staff):
    case_id = _case(container, world)
    hand_over_case(container.uow(), world.carla, case_id, _get(container, Case, case_id).version,
                   _request(to_organisation_id=world.org_b))
    assert findings(container, rule="single_responsible")[case_id][0] == "violation"
    hand_over_case(container.uow(), staff["bernd"], case_id, _get(container, Case, case_id).version,
                   _request(to_user_id=world.dora.id))
    assert findings(container, rule="single_responsible") == {}
    assert rows(container, OpenTask, case_id=case_id)[0].assignee_id == world.dora.id
