"""`integraflow cases migrate`: the impact preview and the migration of running cases from the command line."""
from __future__ import annotations

import sys

import click
from sqlalchemy import select

from engine.authoring import migrate_cases, migration_preview
from engine.base import Actor, journey_key
from engine.bootstrap import bootstrap
from engine.db import Case

# The command line acts for the operator of the installation: district-wide, recorded as "Kommandozeile".
CLI_ACTOR = Actor(id=None, username="kommandozeile", display_name="Kommandozeile", role="admin", organisation_id=0)


@click.group(help="Fälle verwalten.")
def cases() -> None:
    """Case commands."""


@cases.command(help="Laufende Fälle auf eine andere Prozessversion migrieren (mit --dry-run nur die Vorschau).")
@click.option("--key", default=None, help="Schlüssel der Prozessdefinition (Standard: der Begleitprozess).")
@click.option("--to", "to_version", type=click.IntRange(1, 1_000_000), default=None,
              help="Zielversion (Standard: neueste).")
@click.option("--dry-run", is_flag=True, help="Nur die Vorschau zeigen, nichts ändern.")
@click.option("--case", "references", multiple=True, help="Nur diese Fälle (Aktenzeichen), mehrfach möglich.")
@click.option("--limit", default=100_000, show_default=True, type=click.IntRange(1, 10_000_000),
              help="Höchstens so viele Fälle migrieren.")
def migrate(key: str | None, to_version: int | None, dry_run: bool, references: tuple[str, ...], limit: int) -> None:
    """Print the preview table; migrate the cases that can move unless --dry-run; exit 1 if none moved."""
    container = bootstrap()
    with container.reader() as r:
        key = key or journey_key(r.session)
        case_ids = None
        if references:
            found = dict(r.session.execute(select(Case.reference, Case.id).where(Case.reference.in_(references))).all())
            unknown = [ref for ref in references if ref not in found]
            if unknown:
                raise click.ClickException("Unbekannte Aktenzeichen: " + ", ".join(unknown))
            case_ids = list(found.values())
        preview = migration_preview(r, CLI_ACTOR, key, to_version, case_ids)
    click.echo(f"{preview.name}: Zielversion {preview.target.version}, {len(preview.rows)} laufende Fälle auf "
               f"älteren Versionen, {len(preview.migratable_ids)} migrierbar")
    for row in preview.rows:
        verdict = "ja" if row.migratable else "nein: " + " ".join(row.reasons)
        click.echo(f"  {row.reference:<14} {row.client_name[:28]:<28} v{row.version}  "
                   f"{', '.join(row.steps)[:40]:<40}  migrierbar: {verdict}")
    if dry_run:
        return
    selection = [(row.process_id, row.case_version) for row in preview.rows if row.migratable]
    result = migrate_cases(container.uow, CLI_ACTOR, key, preview.target.version, selection, limit=limit)
    for _case_id, reference in result.migrated:
        click.echo(f"migriert: {reference}")
    for _case_id, reference, reason in result.skipped:
        click.echo(f"übersprungen: {reference}: {reason}")
    click.echo(f"{len(result.migrated)} migriert, {len(result.skipped)} übersprungen, "
               f"{len(result.remaining)} nicht bearbeitet (--limit).")
    if not result.migrated:
        click.echo("Fehler: Kein Fall konnte migriert werden.", err=True)
        sys.exit(1)
