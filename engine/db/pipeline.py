"""Sending a block of writes to PostgreSQL without waiting for each answer (psycopg's pipeline mode).

A completion writes 6–10 rows after claiming the case; each statement on its own costs a round trip to the
server (about 0.2 ms on one machine, more across a network), all of it while the case row is locked. In pipeline
mode the statements go out back to back and their answers come back together when the block ends, so the block
costs about one round trip. Errors surface when the block ends and abort the transaction as before. Statements
whose answer the caller needs (a version guard's row count) must run before or after the block: inside it the
row count is not known yet. SQLite and other drivers run the block as it is; so does a connection someone
watches with statement listeners (tests counting statements), because SQLAlchemy's own execution path, which
those statements then take, reads results that a pipeline only delivers at its end.
"""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def pipelined(conn):
    """Run the block's statements on `conn` in one PostgreSQL pipeline (a plain block elsewhere)."""
    pipeline = getattr(conn.connection.dbapi_connection, "pipeline", None) \
        if conn.dialect.name == "postgresql" and not watched(conn) else None
    if pipeline is None:
        yield
        return
    with pipeline():
        yield


def watched(conn) -> bool:
    """Whether statement listeners watch `conn` (then statements take SQLAlchemy's path so they see them)."""
    dispatch = conn.dispatch
    return bool(dispatch.before_cursor_execute or dispatch.after_cursor_execute or dispatch.before_execute
                or dispatch.after_execute)


def in_pipeline(conn) -> bool:
    """Whether the driver connection behind `conn` is inside a pipelined() block."""
    pgconn = getattr(conn.connection.dbapi_connection, "pgconn", None)
    return bool(pgconn is not None and pgconn.pipeline_status)
