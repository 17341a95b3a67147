"""The hash-chained event log: chaining at commit, savepoints, append-only triggers, redaction, concurrency."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from engine.audit import (
    redact_event_payload,
    run_verification,
    start_verification,
    verify_chain,
    wait_for_background_verification,
)
from engine.base import GENESIS, chain_hash, expect_head, payload_digest, prepare_events, read_head, record_event
from engine.casework import claim_task, unclaim_task
from engine.db import AuditVerification, DeferredWrites, Event, EventChainHead, Prebuilt
from engine.demo import clone_case
from engine.errors import Forbidden, InvalidInput
from journey import CONSENT, Driver
from support import intake_form, rows


def _verify(container):
    with container.reader() as r:
        return verify_chain(r.session.connection(), batch=3)


def _events(container) -> list[Event]:
    with container.reader() as r:
        return list(r.session.execute(select(Event).order_by(Event.seq)).scalars())


def test_events_of_a_journey_form_one_verified_chain(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    events = _events(container)
    assert [e.seq for e in events] == list(range(1, len(events) + 1)) and len(events) >= 5
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    for e in events:
        assert e.payload_digest == payload_digest(e.payload)
        assert e.hash == chain_hash(e.prev_hash, e.seq, e.at, e.actor_id, e.case_id, e.kind, e.payload_digest)
    report = _verify(container)
    assert report.ok and report.checked == len(events) and report.head_seq == events[-1].seq
    assert report.head_hash == events[-1].hash


def test_events_of_a_rolled_back_savepoint_are_discarded_and_the_rest_kept(container):
    uow = container.uow()
    with uow:
        record_event(uow, "login", None, username="before")
        inner = uow.session.begin_nested()
        record_event(uow, "login", None, username="rolled back")
        deeper = uow.session.begin_nested()
        record_event(uow, "login", None, username="rolled back too")
        deeper.commit()
        inner.rollback()
        kept = uow.session.begin_nested()
        record_event(uow, "login", None, username="kept")
        kept.commit()
        record_event(uow, "login", None, username="after")
        uow.commit()
    assert [e.payload["username"] for e in _events(container)] == ["before", "kept", "after"]
    assert _verify(container).ok


def test_a_unit_of_work_left_without_commit_writes_no_event(container):
    uow = container.uow()
    with uow:
        record_event(uow, "login", None, username="never")
    uow = container.uow()
    with uow:
        record_event(uow, "login", None, username="written")
        uow.commit()
    assert [(e.seq, e.payload["username"]) for e in _events(container)] == [(1, "written")]


@pytest.mark.parametrize("statement", [
    "UPDATE event SET kind = 'login' WHERE seq = 1",
    "UPDATE event SET payload = payload WHERE seq = 1",
    "DELETE FROM event WHERE seq = 1",
    "UPDATE event_chain_head SET seq = 0",
    "DELETE FROM event_chain_head",
])
def test_the_database_refuses_to_change_or_delete_events(container, statement):
    uow = container.uow()
    with uow:
        record_event(uow, "login", None, username="x")
        record_event(uow, "login", None, username="y")
        uow.commit()
    with pytest.raises(DBAPIError, match="unveränderlich|Kettenkopf"):
        with container.engine.begin() as conn:
            conn.execute(text(statement))
    assert _verify(container).ok


def test_claim_and_release_record_the_assignee_before_and_after(container, world):
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    task = drive.open_task(case_id)
    unclaim_task(container.uow(), task.id, world.anna)
    claim_task(container.uow(), task.id, world.ben)
    released, claimed = rows(container, Event, kind="task_unclaimed"), rows(container, Event, kind="task_claimed")
    assert (released[0].payload["before"], released[0].payload["after"]) == (world.anna.id, None)
    assert (claimed[0].payload["before"], claimed[0].payload["after"]) == (None, world.ben.id)


def test_review_records_before_and_after_of_each_edited_goal_field(container, world):
    drive = Driver(container)
    case_id = drive.to_review(world.anna, intake_form(world.town_a))
    drive.review(world.anna, case_id, status="partly", **{"goals-0-due_date": "2026-12-31"})
    change = rows(container, Event, kind="goals_reviewed")[0].payload["changes"][0]
    assert (change["from"], change["to"]) == ("open", "partly")
    assert change["due_date"] == {"from": "2026-09-30", "to": "2026-12-31"}


def test_authorised_redaction_keeps_the_chain_valid(container, world):
    uow = container.uow()
    with uow:
        record_event(uow, "login_failed", None, username="amina.haddad")
        record_event(uow, "login", None, username="other")
        uow.commit()
    target = _events(container)[0]
    uow = container.uow()
    with uow:
        redact_event_payload(uow, target.id, {"username": "[entfernt]"}, "Aufbewahrungsfrist abgelaufen",
                             actor_id=world.erik.id)
        uow.commit()
    events = _events(container)
    assert events[0].payload == {"username": "[entfernt]"} and events[0].redacted_at is not None
    marker = events[-1]
    assert marker.kind == "event_redacted" and marker.payload["fields"] == ["username"]
    assert "amina" not in str(marker.payload)
    report = _verify(container)
    assert report.ok and report.redacted == 1


def test_an_unauthorised_edit_of_a_redacted_event_still_breaks_the_chain(container, world):
    uow = container.uow()
    with uow:
        record_event(uow, "login_failed", None, username="amina.haddad")
        uow.commit()
    target = _events(container)[0]
    uow = container.uow()
    with uow:
        redact_event_payload(uow, target.id, {"username": "[entfernt]"}, "Aufbewahrungsfrist abgelaufen")
        uow.commit()
    with container.engine.begin() as conn:  # passes the trigger (looks like a redaction), not the chain
        conn.execute(update(Event.__table__).where(Event.id == target.id)
                     .values(payload={"username": "mallory"}, redacted_at=container.clock.now()))
    report = _verify(container)
    assert not report.ok and report.broken.event_id == target.id
    assert "Inhalt" in report.broken.message and f"ID {target.id}" in report.broken.message


def test_a_redaction_needs_a_reason_and_cannot_redact_a_redaction(container):
    uow = container.uow()
    with uow:
        record_event(uow, "login_failed", None, username="x")
        uow.commit()
    first = _events(container)[0]
    with pytest.raises(InvalidInput):
        with container.uow() as uow:
            redact_event_payload(uow, first.id, {}, "  ")
    with container.uow() as uow:
        redact_event_payload(uow, first.id, {}, "Löschfrist")
        uow.commit()
    marker = _events(container)[-1]
    with pytest.raises(InvalidInput, match="Schwärzungsvermerk"):
        with container.uow() as uow:
            redact_event_payload(uow, marker.id, {}, "Löschfrist")


def test_a_later_check_notices_a_chain_recomputed_after_a_successful_check(container):
    uow = container.uow()
    with uow:
        for name in ("a", "b", "c"):
            record_event(uow, "login", None, username=name)
        uow.commit()
    first_run, _ = run_verification(container, "cli")
    assert first_run.ok and first_run.head_seq == 3
    # An administrator rewrites the last event and recomputes its hash and the head: locally consistent.
    last = _events(container)[-1]
    digest = payload_digest({"username": "mallory"})
    forged = chain_hash(last.prev_hash, 3, last.at, None, None, "login", digest)
    with container.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER event_no_update") if conn.dialect.name == "sqlite"
                     else text("ALTER TABLE event DISABLE TRIGGER event_append_only"))
        try:
            conn.execute(update(Event.__table__).where(Event.seq == 3)
                         .values(payload={"username": "mallory"}, payload_digest=digest, hash=forged))
            conn.execute(update(EventChainHead.__table__).values(hash=forged))
        finally:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE event ENABLE TRIGGER event_append_only"))
    run, report = run_verification(container, "cli")
    assert not run.ok and report.broken.event_id == last.id and "früheren erfolgreichen Prüfung" in run.problem


def test_concurrent_writers_build_one_gapless_chain(container):
    def write(name: str) -> None:
        for i in range(15):
            uow = container.uow()
            with uow:
                record_event(uow, "login", None, username=f"{name}-{i}")
                record_event(uow, "login_failed", None, username=f"{name}-{i}")
                uow.commit()

    threads = [threading.Thread(target=write, args=(f"t{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = _events(container)
    assert [e.seq for e in events] == list(range(1, 121))
    report = _verify(container)
    assert report.ok and report.checked == 120


def test_bulk_copies_of_a_case_join_the_chain(container, world):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    before = len(_events(container))
    copies = clone_case(container, case_id, 3, batch=2)
    events = _events(container)
    assert len(events) == before * 4 and {e.case_id for e in events[before:]} == set(copies)
    assert _verify(container).ok


def test_a_long_chain_is_verified_in_the_background_and_the_run_is_stored(container, world):
    with pytest.raises(Forbidden):
        start_verification(container, "web", world.anna)
    uow = container.uow()
    with uow:
        record_event(uow, "login", world.erik.id, username="erik")
        uow.commit()
    quick = start_verification(container, "web", world.erik)
    assert quick is not None and quick.ok  # short chains: the user gets the answer at once
    assert start_verification(container, "web", world.erik, inline_limit=0) is None  # "long": started, not awaited
    wait_for_background_verification(timeout=60)
    with container.reader() as r:
        runs = list(r.session.execute(select(AuditVerification.ok, AuditVerification.triggered_by)
                                      .order_by(AuditVerification.id)).all())
    assert runs == [(True, world.erik.id), (True, world.erik.id)]


def _head(container) -> tuple[int, str]:
    with container.reader() as r:
        return read_head(r.session.connection())


def _prepared_unit(container, *usernames):
    """A writer that read the head first (as a completion does), recorded its events and prepared them."""
    uow = container.uow().lock_late()
    uow.__enter__()
    seq, hash_ = _head(container)
    expect_head(uow.session, seq, hash_, False)
    for name in usernames:
        record_event(uow, "login", None, username=name)
    prepare_events(uow.session)
    return uow


def _no_binding(*_args, **_kwargs):
    raise AssertionError("bound under the lock")


def test_prepared_events_are_sent_at_commit_without_binding_anything(container, monkeypatch):
    record_event_in_own_unit(container, "first")
    uow = _prepared_unit(container, "a", "b")
    uow.lock_for_write()
    monkeypatch.setattr(Prebuilt, "bind", _no_binding)  # prepared: the commit only sends
    uow.commit()
    uow.__exit__(None, None, None)
    monkeypatch.undo()
    assert [e.payload["username"] for e in _events(container)] == ["first", "a", "b"]
    assert _verify(container).ok


def test_prepared_events_are_chained_anew_when_the_head_moved_meanwhile(container):
    record_event_in_own_unit(container, "first")
    uow = _prepared_unit(container, "late")
    record_event_in_own_unit(container, "meanwhile")  # appended after the prepared unit read the head
    uow.lock_for_write()
    uow.commit()
    uow.__exit__(None, None, None)
    events = _events(container)
    assert [(e.seq, e.payload["username"]) for e in events] == [(1, "first"), (2, "meanwhile"), (3, "late")]
    assert _verify(container).ok


def test_an_event_recorded_after_preparing_is_chained_with_the_others(container):
    record_event_in_own_unit(container, "first")
    uow = _prepared_unit(container, "prepared")
    uow.lock_for_write()
    record_event(uow, "login", None, username="under the lock")  # e.g. the consent record's event
    uow.commit()
    uow.__exit__(None, None, None)
    assert [e.payload["username"] for e in _events(container)] == ["first", "prepared", "under the lock"]
    assert _verify(container).ok


def record_event_in_own_unit(container, username: str) -> None:
    """One login event in its own committed transaction."""
    uow = container.uow()
    with uow:
        record_event(uow, "login", None, username=username)
        uow.commit()


@contextmanager
def _queued_unit(container, *usernames):
    """A writer as a completion is one: head read first, its events recorded and prepared onto its write queue."""
    uow = container.uow().lock_late()
    with uow:
        seq, hash_ = _head(container)
        expect_head(uow.session, seq, hash_, False)
        for name in usernames:
            record_event(uow, "login", None, username=name)
        writes = DeferredWrites(uow.session.connection())
        prepare_events(uow.session, writes)  # the guarded move and the rows go out with the writes
        yield uow, writes


def test_a_head_move_sent_with_the_writes_is_chained_anew_when_someone_appended_meanwhile(container):
    record_event_in_own_unit(container, "first")
    with _queued_unit(container, "late") as (uow, writes):
        record_event_in_own_unit(container, "meanwhile")
        uow.lock_for_write()
        writes.send()  # the move matches no row, so the rows queued behind it must not land either
        uow.commit()
    assert [(e.seq, e.payload["username"]) for e in _events(container)] == [(1, "first"), (2, "meanwhile"),
                                                                            (3, "late")]
    assert _verify(container).ok


def _events_in(uow) -> list[str]:
    """The login names of the events the unit's own transaction sees (its uncommitted rows included)."""
    return [payload["username"] for payload in uow.session.execute(select(Event.payload).order_by(Event.seq))
            .scalars()]


def test_events_prepared_with_the_writes_go_out_with_them_and_the_commit_only_commits(container, monkeypatch):
    record_event_in_own_unit(container, "first")
    with _queued_unit(container, "a", "b") as (uow, writes):
        uow.lock_for_write()
        writes.send()
        assert _events_in(uow) == ["first", "a", "b"]  # inserted behind the head's move, before the commit
        monkeypatch.setattr(Prebuilt, "bind", _no_binding)
        monkeypatch.setattr(Prebuilt, "__call__", _no_binding)  # nothing is inserted or bound at commit
        uow.commit()
    monkeypatch.undo()
    assert [e.payload["username"] for e in _events(container)] == ["first", "a", "b"]
    assert _verify(container).ok


def test_an_event_recorded_under_the_lock_continues_the_chain_of_rows_sent_with_the_writes(container):
    record_event_in_own_unit(container, "first")
    with _queued_unit(container, "prepared") as (uow, writes):
        uow.lock_for_write()
        writes.send()
        record_event(uow, "login", None, username="under the lock")  # e.g. the consent record's event
        uow.commit()
    events = _events(container)
    assert [(e.seq, e.payload["username"]) for e in events] == [(1, "first"), (2, "prepared"), (3, "under the lock")]
    assert _head(container) == (3, events[-1].hash)
    assert _verify(container).ok


def test_events_discarded_after_their_head_move_was_sent_refuse_the_commit_and_keep_nothing(container):
    record_event_in_own_unit(container, "first")
    uow = container.uow()
    with uow:
        savepoint = uow.session.begin_nested()
        seq, hash_ = _head(container)
        expect_head(uow.session, seq, hash_, False)
        record_event(uow, "login", None, username="discarded")
        writes = DeferredWrites(uow.session.connection())
        prepare_events(uow.session, writes)
        savepoint.rollback()  # the event is gone …
        writes.send()  # … but the head move prepared for it went out: the head may not go back, so no commit
        with pytest.raises(RuntimeError):
            uow.commit()
    record_event_in_own_unit(container, "next")
    assert [(e.seq, e.payload["username"]) for e in _events(container)] == [(1, "first"), (2, "next")]
    assert _verify(container).ok


def test_an_intake_moves_the_head_it_read_with_the_municipality(container, world):
    from support import statements

    drive = Driver(container)
    drive.open(world.anna, intake_form(world.town_a))  # the first event creates the head row if a test emptied it
    with statements(container) as seen:
        drive.open(world.anna, intake_form(world.town_a))
    # Neither the head read at commit (under its lock on PostgreSQL) nor the endpoints' lookup: one guarded UPDATE.
    assert [s for s in seen if s.lstrip().startswith(("SELECT event_chain_head", "SELECT webhook_endpoint"))] == []
    assert [s for s in seen if s.lstrip().startswith("UPDATE event_chain_head")] != []
    assert _verify(container).ok


def test_an_intake_whose_head_moved_after_it_was_read_chains_from_the_real_head(container, world, monkeypatch):
    import engine.casework.intake as intake
    from engine.base import append_events

    create = intake._create

    def appended_meanwhile(uow, *args, **kwargs):
        # Another append after the intake read the head (within its transaction, so it works on SQLite too,
        # whose intake holds the write lock from its start): the guarded move must miss.
        append_events(uow.session.connection(), [{"at": container.clock.now(), "actor_id": None, "case_id": None,
                                                  "kind": "test_meanwhile", "payload": {"n": 1}}])
        return create(uow, *args, **kwargs)

    from support import statements

    drive = Driver(container)
    drive.open(world.anna, intake_form(world.town_a))  # the first event creates the head row if a test emptied it
    monkeypatch.setattr(intake, "_create", appended_meanwhile)
    with statements(container) as seen:
        case_id = drive.open(world.anna, intake_form(world.town_a))
    flat = [" ".join(s.split()) for s in seen]
    # The guarded move went out and missed, then the head was read (locked on PostgreSQL) and moved from there.
    guarded = [i for i, s in enumerate(flat) if s.startswith("UPDATE event_chain_head") and "seq =" in s]
    assert guarded and any(s.startswith("SELECT event_chain_head") for s in flat[guarded[0]:])
    events = _events(container)
    [meanwhile] = [e.seq for e in events if e.kind == "test_meanwhile"]
    mine = [e for e in events if e.case_id == case_id]
    assert mine[0].kind == "case_opened" and all(e.seq > meanwhile for e in mine)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert _verify(container).ok
