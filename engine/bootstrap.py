"""The composition root: builds the database, clock, form registry and workflow runtime exactly once."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from engine.base import FormCatalog
from engine.clock import SystemClock
from engine.config import Settings
from engine.db.connection import build_engine
from engine.forms import FormRegistry
from engine.uow import UnitOfWork
from engine.workflow import WorkflowRuntime


@dataclass
class Container:
    """Everything the app factory, the CLI and the scheduler need; tests build one with fakes."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker
    clock: SystemClock
    runtime: WorkflowRuntime
    forms: FormCatalog

    def uow(self, write: bool = True) -> UnitOfWork:
        """A fresh unit of work (write=False for read-only requests)."""
        return UnitOfWork(self.session_factory, self.clock, self.runtime, self.forms, write=write)

    def reader(self) -> UnitOfWork:
        """A read-only unit of work for queries."""
        return self.uow(write=False)


def bootstrap(settings: Settings | None = None, clock: SystemClock | None = None) -> Container:
    """Build the container from settings (environment by default)."""
    settings = settings or Settings()
    engine = build_engine(settings.database_url, echo=settings.echo_sql)
    session_factory = sessionmaker(bind=engine, expire_on_commit=False)
    clock = clock or SystemClock()
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        runtime=WorkflowRuntime(cache_size=settings.workflow_cache_size, clock=clock),
        forms=FormCatalog(FormRegistry(settings.bpmn_dir / "forms")),
    )


__all__ = ["Container", "bootstrap"]
