"""The database the CLI commands work on: the composition root's, checked where a command needs it migrated."""
from __future__ import annotations

import sys

import click

from engine.bootstrap import bootstrap


def open_container():
    """The composition root for the configured database (INTEGRAFLOW_DATABASE_URL)."""
    return bootstrap()


def has_data(container) -> bool:
    """True if the database holds organisations (then it is in use)."""
    from engine.demo import has_demo_data

    return has_demo_data(container)


def audited_database():
    """The container for an existing, migrated database; exit status 2 (no traceback) if it cannot be used."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.db.schema import is_current

    try:
        container = bootstrap()
        current = is_current(container.engine)
    except (SQLAlchemyError, OSError) as exc:
        click.echo(f"Fehler: Die Datenbank ist nicht erreichbar oder die Adresse ist ungültig "
                   f"(INTEGRAFLOW_DATABASE_URL): {str(exc).splitlines()[0][:300]}", err=True)
        sys.exit(2)
    if not current:
        click.echo("Fehler: Die Datenbank ist leer oder nicht auf dem aktuellen Stand. Bitte zuerst "
                   "'integraflow db upgrade' ausführen.", err=True)
        sys.exit(2)
    return container
