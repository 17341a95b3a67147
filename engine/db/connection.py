"""Building the SQLAlchemy engine with the pragmas and pool settings each backend needs."""
from __future__ import annotations

import os
import weakref
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from .base import encode_json


def build_engine(url: str, echo: bool = False, prepared_statements: bool = True) -> Engine:
    """Create the engine; SQLite gets WAL, a busy timeout and enforced foreign keys; PostgreSQL keeps psycopg's
    prepared statements unless told not to (PgBouncer in transaction mode without prepared-statement support)."""
    engine = _build(url, echo, prepared_statements)
    _forget_pool_in_forked_children(engine)
    return engine


def _forget_pool_in_forked_children(engine: Engine) -> None:
    """A forked child starts with an empty pool (SQLAlchemy's advice for os.fork): the parent's connections stay
    the parent's. A server started with `gunicorn --preload` warms its models in the master, then forks workers;
    two processes on one database socket would mix their conversations."""
    ref = weakref.ref(engine)  # the hook must not keep a disposed engine alive (tests build thousands)

    def forget() -> None:
        forked = ref()
        if forked is not None:
            forked.dispose(close=False)

    os.register_at_fork(after_in_child=forget)


def _build(url: str, echo: bool, prepared_statements: bool) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, json_serializer=encode_json,
                               connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling starts transactions late; we emit BEGIN ourselves so that the first
        # statement already holds the lock (see the SQLAlchemy docs on "Serializable isolation / Savepoints").
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args = {} if prepared_statements or parsed.get_driver_name() != "psycopg" else {"prepare_threshold": None}
    return create_engine(url, echo=echo, json_serializer=encode_json, pool_pre_ping=True, pool_size=10,
                         max_overflow=20, connect_args=connect_args)


def _sqlite_pragmas(dbapi_conn, _record):
    dbapi_conn.isolation_level = None  # autocommit at driver level; our "begin" listener opens transactions
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn):
    # Writers ask for IMMEDIATE so they take the write lock up front (a deferred transaction that read first
    # cannot upgrade in WAL mode); readers stay DEFERRED and never block each other.
    mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")
