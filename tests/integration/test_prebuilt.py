"""Prebuilt statements on the driver send exactly what SQLAlchemy's execute would send, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, insert, select, text, update

from engine.db import DeferredWrites, Event, Prebuilt, Setting
from support import statements

_INSERT = Prebuilt(insert(Event.__table__))
_SETTINGS = Setting.__table__
_INSERT_SETTING = Prebuilt(insert(_SETTINGS))
_MOVE = Prebuilt(update(_SETTINGS).where(_SETTINGS.c.key == bindparam("k")).values(value=bindparam("new")))


def _row(seq: int) -> dict:
    return {"seq": seq, "at": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC), "actor_id": None,
            "case_id": None, "kind": "a", "payload": {"ä": [1, True, None], "b": "x"}, "payload_digest": "d" * 64,
            "prev_hash": "p" * 64, "hash": "h" * 64}


def test_prebuilt_writes_the_same_stored_values_as_execute_and_counts_rows(container):
    with container.engine.begin() as conn:
        _INSERT(conn, [_row(900_001), _row(900_002)])  # executemany
        assert _INSERT._rendered  # rendered for the driver: the path under test, not the execute fallback
        conn.execute(insert(Event.__table__), [_row(900_003)])
        _INSERT_SETTING(conn, {"key": "prebuilt_test", "value": 1})
        assert _MOVE(conn, {"k": "prebuilt_test", "new": 2}) == 1
        assert _MOVE(conn, {"k": "no_such_key", "new": 3}) == 0  # the rowcount a guard relies on
    with container.engine.connect() as conn:
        stored = conn.execute(text("SELECT seq, CAST(at AS VARCHAR(40)), CAST(payload AS VARCHAR(200)) "
                                   "FROM event WHERE seq > 900000 ORDER BY seq")).all()
        events = conn.execute(select(Event.at, Event.payload).where(Event.seq > 900_000)).all()
        assert conn.execute(select(Setting.value).where(Setting.key == "prebuilt_test")).scalar_one() == 2
    assert stored[0][1:3] == stored[1][1:3] == stored[2][1:3]  # driver path == SQLAlchemy path, byte for byte
    assert len(events) == 3 and all(e.at == _row(0)["at"] and e.payload == _row(0)["payload"] for e in events)


def test_prebuilt_statements_stay_visible_to_statement_listeners(container):
    seen: list[str] = []

    def log(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", log)
    try:
        with container.engine.begin() as conn:
            _INSERT(conn, [_row(900_010)])
            _INSERT_SETTING(conn, {"key": "prebuilt_seen", "value": 1})
            assert _MOVE(conn, {"k": "prebuilt_seen", "new": 2}) == 1
    finally:
        event.remove(container.engine, "before_cursor_execute", log)
    assert [s.split()[0] for s in seen if not s.startswith("BEGIN")] == ["INSERT", "INSERT", "UPDATE"]


def test_deferred_writes_are_bound_first_and_sent_in_order_later(container):
    with container.engine.begin() as conn:
        writes = DeferredWrites(conn)
        _INSERT_SETTING(writes, {"key": "deferred_test", "value": 1})
        moved = _MOVE.send(writes, {"k": "deferred_test", "new": 2})
        missed = _MOVE.send(writes, {"k": "no_such_key", "new": 3})
        assert len(writes) == 3 and moved.rowcount == -1  # nothing sent yet, nothing known
        assert conn.execute(select(Setting.value).where(Setting.key == "deferred_test")).first() is None
        writes.send()
        assert (moved.rowcount, missed.rowcount) == (1, 0)  # in order: the insert came before the update
        moved.close()
        missed.close()
        with pytest.raises(TypeError):
            writes.execute(text("DELETE FROM setting"))  # only prebuilt statements can be bound ahead
    with container.engine.connect() as conn:
        assert conn.execute(select(Setting.value).where(Setting.key == "deferred_test")).scalar_one() == 2


def test_deferred_writes_stay_visible_to_statement_listeners(container):
    with statements(container) as seen:
        with container.engine.begin() as conn:
            writes = DeferredWrites(conn)
            _INSERT_SETTING(writes, {"key": "deferred_seen", "value": 1})
            assert not [s for s in seen if not s.startswith("BEGIN")]
            writes.send()
    assert [s.split()[0] for s in seen if not s.startswith("BEGIN")] == ["INSERT"]
