"""The `integraflow` command line: serve, scheduler, database, demo, users, BPMN, cases, audit, privacy, bench."""
from .commands import cli, main

__all__ = ["cli", "main"]
