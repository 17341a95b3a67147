"""Read-only units of work: nothing they write is kept, and on PostgreSQL they end their READ ONLY transaction
with COMMIT, so the driver's prepared statements (and PostgreSQL's plans for them) outlive the request."""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError

from engine.db import Setting, User
from engine.db.connection import build_engine


def _postgres(container) -> bool:
    return container.engine.dialect.name == "postgresql"


def test_nothing_a_reader_writes_is_kept(container):
    refused = False
    with container.reader() as r:
        try:
            r.session.execute(insert(Setting.__table__), {"key": "reader_write", "value": 1})
        except DBAPIError:
            refused = True
    # PostgreSQL refuses the write at once (READ ONLY); SQLite's reader rolls it back when the block ends.
    assert refused == _postgres(container)
    with container.reader() as r:
        assert r.session.execute(select(Setting.key).where(Setting.key == "reader_write")).first() is None


def test_a_reader_hands_its_connection_back_idle_and_keeps_prepared_statements(container):
    query = select(User.id).where(User.display_name == "prepared-statement-probe")
    for _ in range(30):  # psycopg prepares a query on its 5th run on a connection; the pool holds a few
        with container.reader() as r:
            assert r.session.execute(query).all() == []
    raw = container.engine.raw_connection()
    try:
        driver = raw.driver_connection
        if _postgres(container):
            assert driver.info.transaction_status.name == "IDLE"
            cursor = driver.cursor()
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                           ("%app_user.display_name = $1%",))
            assert cursor.fetchone()[0] == 1  # a ROLLBACK would have made psycopg deallocate it
        else:
            assert driver.in_transaction is False
    finally:
        raw.close()


def test_a_reader_sees_what_was_committed_after_an_earlier_reader(container):
    with container.reader() as r:
        assert r.session.execute(select(Setting.key).where(Setting.key == "reader_fresh")).first() is None
    with container.uow() as uow:
        uow.session.execute(insert(Setting.__table__), {"key": "reader_fresh", "value": 2})
        uow.commit()
    with container.reader() as r:
        assert r.session.execute(select(Setting.value).where(Setting.key == "reader_fresh")).scalar_one() == 2


def test_prepared_statements_can_be_switched_off_for_pgbouncer(database_url):
    engine = build_engine(database_url, prepared_statements=False)
    try:
        raw = engine.raw_connection()
        try:
            threshold = getattr(raw.driver_connection, "prepare_threshold", "not psycopg")
        finally:
            raw.close()
    finally:
        engine.dispose()
    # psycopg prepares nothing then; SQLite's driver has no such setting (its own statement cache stays).
    assert threshold == (None if database_url.startswith("postgresql") else "not psycopg")
