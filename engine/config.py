"""Runtime settings, read once from the environment by the composition root."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_BPMN_DIR = PROJECT_ROOT / "bpmn"


def default_database_url(instance_dir: Path | None = None) -> str:
    """SQLite file in the instance folder of the working directory (the embedded default)."""
    instance_dir = instance_dir or Path.cwd() / "instance"
    return f"sqlite:///{instance_dir / 'integraflow.sqlite'}"


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to build the system."""

    database_url: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_DATABASE_URL")
                              or default_database_url())
    bpmn_dir: Path = SHIPPED_BPMN_DIR
    workflow_cache_size: int = 256
    echo_sql: bool = False

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")
