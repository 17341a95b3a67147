"""`integraflow privacy …`: anonymise closed cases past the retention period (the nightly job, by hand)."""
from __future__ import annotations

import click

from .database import audited_database


@click.group(help="Datenschutz: Anonymisierung nach Ablauf der Aufbewahrungsfrist.")
def privacy() -> None:
    """Privacy commands."""


@privacy.command("anonymise", help="Anonymisiert abgeschlossene Fälle nach Ablauf der Aufbewahrungsfrist.")
@click.option("--dry-run", is_flag=True, help="Nur anzeigen, was anonymisiert würde; nichts ändern.")
@click.option("--batch", default=200, show_default=True, type=click.IntRange(1, 10_000),
              help="Klient/innen je Transaktion.")
def privacy_anonymise(dry_run: bool, batch: int) -> None:
    """Anonymise (or, dry, count) the clients whose cases are all past the retention period."""
    from engine.privacy import anonymise_due_cases

    run = anonymise_due_cases(audited_database(), dry_run=dry_run, batch=batch)
    cutoff = f"{run.cutoff:%d.%m.%Y}"
    if dry_run:
        click.echo(f"Probelauf: {run.cases} Fälle von {run.clients} Klient/innen wären fällig "
                   f"(Aufbewahrungsfrist {run.retention}, abgeschlossen bis {cutoff}). Nichts geändert.")
    else:
        click.echo(f"Anonymisiert: {run.cases} Fälle von {run.clients} Klient/innen "
                   f"(Aufbewahrungsfrist {run.retention}, abgeschlossen bis {cutoff}).")
