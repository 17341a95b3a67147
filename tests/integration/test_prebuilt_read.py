"""A prebuilt read on the driver returns what SQLAlchemy's execute returns; instances made from its rows behave as
loaded ones (SQLite and PostgreSQL)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Boolean, Date, bindparam, exists, insert, inspect, literal, select
from sqlalchemy.exc import InvalidRequestError

from engine.casework import open_case
from engine.db import Case, Event, PrebuiltRead, Setting, attach_loaded
from support import intake_form, statements

_EVENTS = Event.__table__
_READ = PrebuiltRead(
    select(_EVENTS.c.seq, _EVENTS.c.at, _EVENTS.c.payload, _EVENTS.c.kind,
           literal(date(2026, 3, 1), Date).label("day"), literal(True, Boolean).label("flag"),
           exists().where(_EVENTS.c.kind == bindparam("kind")).label("any_of_kind"),
           select(Setting.value).where(Setting.key == "prebuilt_read").scalar_subquery().label("setting"))
    .where(_EVENTS.c.seq >= bindparam("low"), _EVENTS.c.kind == bindparam("kind"))
    .order_by(_EVENTS.c.seq))


def _event(seq: int) -> dict:
    return {"seq": seq, "at": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC), "actor_id": None,
            "case_id": None, "kind": "prebuilt_read", "payload": {"ä": [1, True, None], "n": seq},
            "payload_digest": "d" * 64, "prev_hash": "p" * 64, "hash": "h" * 64}


def test_prebuilt_read_returns_the_rows_execute_returns(container):
    params = {"low": 910_000, "kind": "prebuilt_read"}
    with container.engine.begin() as conn:
        conn.execute(insert(_EVENTS), [_event(910_001), _event(910_002)])
        conn.execute(insert(Setting.__table__), {"key": "prebuilt_read", "value": {"x": [1, 2]}})
        rows = _READ.rows(conn, params)
        assert _READ._binder._rendered and _READ._converters  # the driver path was taken, not the fallback
        assert rows == [tuple(row) for row in conn.execute(_READ.statement, params)]
        assert _READ.rows(conn, {"low": 910_002, "kind": "prebuilt_read"}) == rows[1:]  # parameters bound anew
        assert _READ.rows(conn, {"low": 910_000, "kind": "none"}) == []
    first = dict(zip(_READ.keys, rows[0], strict=True))
    assert first == {"seq": 910_001, "at": datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC),
                     "payload": {"ä": [1, True, None], "n": 910_001}, "kind": "prebuilt_read",
                     "day": date(2026, 3, 1), "flag": True, "any_of_kind": True, "setting": {"x": [1, 2]}}


def test_prebuilt_read_stays_visible_to_statement_listeners(container):
    with statements(container) as seen, container.engine.connect() as conn:
        assert _READ.rows(conn, {"low": 0, "kind": "none"}) == []
    assert [s.split()[0] for s in seen if not s.startswith("BEGIN")] == ["SELECT"]


@pytest.fixture
def case_id(container, world) -> str:
    return open_case(container.uow(), intake_form(world.town_a), world.anna)


def _columns(case: Case) -> dict:
    return {attr.key: getattr(case, attr.key) for attr in Case.__mapper__.column_attrs}


def test_an_attached_instance_behaves_as_a_loaded_one(container, case_id):
    uow = container.uow()
    with uow:
        loaded = uow.session.get(Case, case_id)
        uow.session.expunge(loaded)
        case = attach_loaded(uow.session, Case, _columns(loaded))
        assert inspect(case).persistent and not uow.session.is_modified(case)  # history starts clean
        assert case.client.last_name == "Haddad"  # a relationship loads on access
        case.phase = "assessment"
        assert uow.session.is_modified(case) and inspect(case).committed_state["phase"] == loaded.phase
        uow.commit()  # the change is flushed like any loaded instance's
    with container.reader() as r:
        assert r.session.get(Case, case_id).phase == "assessment"


def test_attaching_the_same_identity_twice_is_refused(container, case_id):
    uow = container.uow()
    with uow:
        loaded = uow.session.get(Case, case_id)
        with pytest.raises(InvalidRequestError, match="already present"):  # the session's own copy is there
            attach_loaded(uow.session, Case, _columns(loaded))
