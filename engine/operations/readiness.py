"""Is this installation ready to serve: database reachable, schema at the newest migration, scheduler alive."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from engine.db.schema import current_revision, head_revision

from .heartbeat import last_heartbeat


@dataclass(frozen=True)
class Readiness:
    """The outcome of each check ("ok" or why not); ready when every check is "ok"."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """True when every check passed."""
        return all(v == "ok" for v in self.checks.values())


def check_readiness(container) -> Readiness:
    """Run the checks in order; a later check is skipped ("nicht geprüft") once the database is out of reach."""
    checks = {"database": "nicht geprüft", "schema": "nicht geprüft", "scheduler": "nicht geprüft"}
    engine = container.engine
    database = engine.url.database
    # Connecting to a missing SQLite file would create an empty one: treat it as unreachable instead.
    if engine.url.get_backend_name() == "sqlite" and database and database != ":memory:" \
            and not Path(database).exists():
        checks["database"] = "Datenbankdatei fehlt"
        return Readiness(checks)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = current_revision(conn)
            beat = last_heartbeat(Session(bind=conn)) if revision is not None else None
    except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable"
        checks["database"] = f"nicht erreichbar ({type(exc).__name__})"
        return Readiness(checks)
    checks["database"] = "ok"
    head = head_revision()
    checks["schema"] = "ok" if revision == head else f"Stand {revision or 'leer'}, erwartet {head}"
    max_age = container.settings.heartbeat_max_age_seconds
    if beat is None:
        checks["scheduler"] = "kein Lebenszeichen"
    else:
        age = (container.clock.now() - beat).total_seconds()
        checks["scheduler"] = "ok" if age <= max_age else f"letztes Lebenszeichen vor {int(age)} s"
    return Readiness(checks)
