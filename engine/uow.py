"""The unit of work: one session, one transaction; nothing is written unless `commit()` is called."""
from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import SystemClock

_COMMITTED_AT = "integraflow.committed_at"


class UnitOfWork:
    """Context manager around a SQLAlchemy session plus the collaborators services need."""

    def __init__(self, session_factory: sessionmaker, clock: SystemClock, runtime, forms, write: bool = True,
                 on_commit=None):
        self._session_factory = session_factory
        self._on_commit = on_commit  # told after every commit (a shared reader then reads afresh, see below)
        self.clock = clock
        self.runtime = runtime
        self._forms_source = forms
        self._forms = None
        self._write = write
        self.session: Session | None = None
        self._after_commit: list = []
        self._lock_late = False
        self._locked_at: float | None = None
        # Seconds the last commit of this unit of work held the write lock (SQLite) / the case row (PostgreSQL).
        self.lock_held: float | None = None

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self._write and not self._lock_late:
            # Writers take SQLite's write lock first (see engine.db.connection); a no-op on PostgreSQL.
            self.session.connection(execution_options={"sqlite_write": True})
        self._after_commit = []
        self._forms = None
        self._locked_at, self.lock_held = None, None
        return self

    def lock_late(self) -> UnitOfWork:
        """Read first, lock later: the block reads without the write lock until `lock_for_write()` is called.

        Everything read before the lock may be stale by the time of the write; the caller guards its writes
        with a check that fails when it is (the case version), so work computed outside the lock stays safe.
        """
        self._lock_late = True
        return self

    def lock_for_write(self) -> None:
        """Take the write lock now: SQLite ends the read snapshot and begins IMMEDIATE; PostgreSQL locks rows
        with the writes themselves, so the clock for the lock-held time starts here on both.
        """
        conn = self.session.connection()
        if conn.dialect.name == "sqlite":
            driver = conn.connection.driver_connection
            if driver.in_transaction:
                driver.execute("COMMIT")  # a read-only snapshot: nothing to keep, nothing written yet
            driver.execute("BEGIN IMMEDIATE")
        self._locked_at = time.perf_counter()

    def __exit__(self, *exc_info) -> None:
        if not self._write:
            _end_read_only(self.session)
        # close() rolls back whatever was not committed; unlike rollback() it leaves loaded objects readable
        # (detached, not expired), which read-only callers rely on after the block.
        self.session.close()
        self.session = None
        self._lock_late = False  # lock_late() covers one block; a later block of the same unit locks up front

    @property
    def forms(self):
        """The forms in force, read lazily once per unit of work (only work that needs forms pays for it)."""
        if self._forms is None:
            source = self._forms_source
            if not hasattr(source, "registry"):
                return source  # a plain registry (tests, tools without a database)
            if self.session is None:
                with self._session_factory() as session:
                    return source.registry(session)
            self._forms = source.registry(self.session)
        return self._forms

    def forms_at(self, generation: int | None):
        """The forms in force at a generation the caller read with its own query (saves one query)."""
        source = self._forms_source
        if self._forms is None and hasattr(source, "registry_at"):
            self._forms = source.registry_at(self.session, generation)
        return self.forms

    def commit(self) -> None:
        """Commit the transaction, then run the hooks that must only happen after success (cache updates)."""
        self.session.commit()
        committed_at = self.session.info.pop(_COMMITTED_AT, None)
        if self._locked_at is not None:
            # The lock ends with the database's COMMIT, not with the session's bookkeeping after it.
            self.lock_held = (committed_at or time.perf_counter()) - self._locked_at
            self._locked_at = None
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()
        if self._on_commit is not None:
            self._on_commit()

    def after_commit(self, hook) -> None:
        """Register a callable to run once the transaction has committed."""
        self._after_commit.append(hook)


class SharedReader(UnitOfWork):
    """The read-only unit of work of a scope (one web request): every `with` block of the scope's reads uses it.

    One session, so one pooled connection and (PostgreSQL) one BEGIN/COMMIT for all of a request's reads instead
    of one per block. Leaving a block keeps the session; `release()` ends its transaction and hands the
    connection back (the scope calls it when a writer starts and after it commits, so later reads see what was
    written and a request never holds a reading connection while its writer waits for one); `close()` ends it.
    """

    def __init__(self, session_factory: sessionmaker, clock: SystemClock, runtime, forms):
        super().__init__(session_factory, clock, runtime, forms, write=False)

    def __enter__(self) -> SharedReader:
        if self.session is None:
            super().__enter__()
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if exc_type is not None:
            self.release()  # a failed statement may have broken the transaction: the next block begins afresh

    def release(self) -> None:
        """End the read transaction and give the connection back; objects loaded so far stay readable."""
        if self.session is not None:
            _end_read_only(self.session)
            self.session.close()

    def close(self) -> None:
        """End the scope's reads for good."""
        if self.session is not None:
            UnitOfWork.__exit__(self, None, None, None)


@event.listens_for(Session, "after_commit")
def _note_commit(session: Session) -> None:
    # Fired right after the database's COMMIT returned (the write lock is released then), before the session
    # expires and closes what the transaction held.
    session.info[_COMMITTED_AT] = time.perf_counter()


def _end_read_only(session: Session) -> None:
    """End a reader's READ ONLY PostgreSQL transaction with COMMIT instead of ROLLBACK.

    psycopg forgets every prepared statement on a ROLLBACK (the rollback might have undone DDL), so readers
    ending with one made PostgreSQL plan each query anew on every request: 3 ms for the worklist's join alone.
    A READ ONLY transaction cannot have written anything (PostgreSQL refuses writes in it), so COMMIT is safe.
    The commit goes to the driver, not the session: a session commit would flush.
    """
    # Only PostgreSQL readers are bound READ ONLY (engine.bootstrap.reader_sessions); SQLite's are left alone.
    if session.get_transaction() is None or not session.get_bind().get_execution_options().get("postgresql_readonly"):
        return
    driver = session.connection().connection.dbapi_connection
    if driver.info.transaction_status.name == "INTRANS":  # not INERROR: a failed transaction rolls back
        driver.commit()
