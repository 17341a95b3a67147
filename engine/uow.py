"""The unit of work: one session, one transaction; nothing is written unless `commit()` is called."""
from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from engine.clock import SystemClock


class UnitOfWork:
    """Context manager around a SQLAlchemy session plus the collaborators services need."""

    def __init__(self, session_factory: sessionmaker, clock: SystemClock, runtime, forms, write: bool = True):
        self._session_factory = session_factory
        self.clock = clock
        self.runtime = runtime
        self._forms_source = forms
        self._forms = None
        self._write = write
        self.session: Session | None = None
        self._after_commit: list = []

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        if self._write:
            # Writers take SQLite's write lock first (see engine.db.connection); a no-op on PostgreSQL.
            self.session.connection(execution_options={"sqlite_write": True})
        self._after_commit = []
        self._forms = None
        return self

    def __exit__(self, *exc_info) -> None:
        # close() rolls back whatever was not committed; unlike rollback() it leaves loaded objects readable
        # (detached, not expired), which read-only callers rely on after the block.
        self.session.close()
        self.session = None

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

    def commit(self) -> None:
        """Commit the transaction, then run the hooks that must only happen after success (cache updates)."""
        self.session.commit()
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()

    def after_commit(self, hook) -> None:
        """Register a callable to run once the transaction has committed."""
        self._after_commit.append(hook)
