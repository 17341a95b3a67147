"""`integraflow audit …`: verify the event chain, check the conformance of every case."""
from __future__ import annotations

import sys

import click

from .database import audited_database


@click.group(help="Prüfpfad: Hash-Kette des Ereignisprotokolls und Prozesstreue der Fälle prüfen.")
def audit() -> None:
    """Audit commands."""


@audit.command("verify", help="Prüft die Hash-Kette aller Ereignisse; Exit-Status 1, wenn sie gebrochen ist.")
@click.option("--batch", default=10_000, show_default=True, type=click.IntRange(100, 1_000_000),
              help="Ereignisse je gelesenem Block.")
def audit_verify(batch: int) -> None:
    """Verify the event chain and record the run."""
    from engine.audit import run_verification

    _run, report = run_verification(audited_database(), "cli", batch=batch)
    if report.ok:
        click.echo(f"Prüfpfad in Ordnung: {report.checked} Ereignisse geprüft"
                   f"{f', davon {report.redacted} genehmigt geschwärzt' if report.redacted else ''}, "
                   f"in {report.seconds:.1f} s. Kettenkopf: Position {report.head_seq}, Hash {report.head_hash}.")
        return
    broken = report.broken
    click.echo(f"Prüfpfad GEBROCHEN: {broken.message}")
    click.echo(f"  Erste Bruchstelle: Position {broken.seq if broken.seq is not None else '–'}, Ereignis-ID "
               f"{broken.event_id if broken.event_id is not None else '– (Zeile fehlt)'}.")
    click.echo(f"  Davor {report.checked} Ereignisse in Ordnung ({report.seconds:.1f} s).")
    sys.exit(1)


@audit.command("conformance", help="Prüft die Prozesstreue aller Fälle und speichert die Ergebnisse.")
def audit_conformance() -> None:
    """Replay every case against its process version; list the cases that deviate."""
    from engine.audit import check_all_cases

    summary = check_all_cases(audited_database())
    for item in summary.deviating:
        state = "erklärt" if item.explained else "ohne Erklärung"
        click.echo(f"{item.reference}: {len(item.deviations)} Abweichung(en), {state}")
        for d in item.deviations:
            click.echo(f"  - {d['message']}")
    click.echo(f"{summary.checked} Fälle geprüft: {summary.checked - len(summary.deviating)} prozesstreu, "
               f"{len(summary.deviating)} mit Abweichungen.")
