"""The composition root: builds the database, clock, form registry and workflow runtime exactly once."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from engine.base import DocumentStore, FormCatalog
from engine.clock import SystemClock
from engine.config import Settings
from engine.db.connection import build_engine
from engine.forms import FormRegistry
from engine.uow import SharedReader, UnitOfWork
from engine.workflow import Limits, WorkflowRuntime


@dataclass
class Container:
    """Everything the app factory, the CLI and the scheduler need; tests build one with fakes."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker
    clock: SystemClock
    runtime: WorkflowRuntime
    forms: FormCatalog
    documents: DocumentStore = field(default_factory=DocumentStore)
    # Sessions of read-only units of work (PostgreSQL: READ ONLY transactions, see engine.uow); None: the same.
    reader_session_factory: sessionmaker | None = None
    # Where reads share one unit of work (the web request; set by the app factory): an object with `current()`
    # (the scope's SharedReader, or None outside a scope) and `release()` (its reads must begin afresh).
    reader_scope: object = None

    def uow(self, write: bool = True) -> UnitOfWork:
        """A fresh unit of work (write=False for read-only requests)."""
        factory = self.session_factory if write else (self.reader_session_factory or self.session_factory)
        scope = self.reader_scope if write else None
        if scope is not None:
            scope.release()  # no reading connection held while the writer takes one; later reads see its writes
        return UnitOfWork(factory, self.clock, self.runtime, self.forms, write=write,
                          on_commit=scope.release if scope is not None else None)

    def reader(self) -> UnitOfWork:
        """A read-only unit of work for queries (the scope's shared one inside a scope, e.g. a web request)."""
        shared = self.reader_scope.current() if self.reader_scope is not None else None
        return shared if shared is not None else self.uow(write=False)

    def shared_reader(self) -> SharedReader:
        """A new read-only unit of work for a scope to share (see SharedReader)."""
        return SharedReader(self.reader_session_factory or self.session_factory, self.clock, self.runtime,
                            self.forms)


def bootstrap(settings: Settings | None = None, clock: SystemClock | None = None) -> Container:
    """Build the container from settings (environment by default)."""
    settings = settings or Settings()
    engine = build_engine(settings.database_url, echo=settings.echo_sql,
                          prepared_statements=settings.db_prepared_statements)
    session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    clock = clock or SystemClock()
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        reader_session_factory=reader_sessions(engine),
        clock=clock,
        runtime=WorkflowRuntime(cache_size=settings.workflow_cache_size, clock=clock, limits=limits_of(settings)),
        forms=FormCatalog(FormRegistry(settings.bpmn_dir / "forms")),
        documents=documents_of(settings),
    )


def reader_sessions(engine: Engine) -> sessionmaker | None:
    """PostgreSQL: sessions whose transactions are READ ONLY, so a reader may end them with COMMIT (engine.uow)."""
    if engine.dialect.name != "postgresql":
        return None
    return sessionmaker(bind=engine.execution_options(postgresql_readonly=True), expire_on_commit=False)


def limits_of(settings: Settings) -> Limits:
    """The execution limits of scripts and expressions the settings ask for."""
    return Limits(seconds=settings.script_seconds, steps=settings.script_steps, max_chars=settings.script_max_chars,
                  max_items=settings.script_max_items, max_data=settings.task_data_max_chars)


def documents_of(settings: Settings) -> DocumentStore:
    """Where case documents go and how they are checked, as the settings ask."""
    return DocumentStore(directory=Path(settings.document_dir) if settings.document_dir else None,
                         max_bytes=int(settings.document_max_mb * 1024 * 1024), clamd=settings.clamd)


__all__ = ["Container", "bootstrap", "documents_of", "limits_of", "reader_sessions"]
