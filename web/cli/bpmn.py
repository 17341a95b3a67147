"""`integraflow bpmn check|deploy`: lint BPMN files, deploy one through the same gate as the editor."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .database import open_container


@click.group(help="BPMN-Dateien prüfen.")
def bpmn() -> None:
    """BPMN commands."""


@bpmn.command("check", help="Prüft BPMN- und DMN-Dateien (Entscheidungstabellen, .dmn); Exit-Status 1 bei Fehlern.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Ordner mit Formularen (Standard: bpmn/forms).")
@click.option("--db", "from_db", is_flag=True,
              help="Gegen die in der Datenbank bereitgestellten Formulare prüfen (INTEGRAFLOW_DATABASE_URL).")
def bpmn_check(files, forms_dir, from_db: bool) -> None:
    """Lint BPMN and DMN files: one line per problem."""
    from engine.config import SHIPPED_BPMN_DIR
    from engine.forms import FormRegistry
    from engine.workflow import DeployContext, check_files

    tables = [p for p in files if p.suffix.lower() == ".dmn"]
    processes = [p for p in files if p.suffix.lower() != ".dmn"]
    if from_db:
        from engine.authoring import deploy_context
        from engine.decisions import check_decision_file

        with open_container().reader() as r:
            forms = r.forms
            results = check_files(processes, forms, lambda xml: deploy_context(r.session, None, xml))
            results.update({p: _check_table(p, lambda xml: check_decision_file(r, xml)) for p in tables})
    else:
        forms = FormRegistry(forms_dir or SHIPPED_BPMN_DIR / "forms")
        # The tables named on the command line, else the shipped ones, are what business-rule tasks use.
        documents = {p.name: _read(p) for p in sorted(SHIPPED_BPMN_DIR.glob("*.dmn"))}
        documents.update({p.name: _read(p) for p in tables})
        context = DeployContext(decisions=tuple((d, None) for d in documents.values() if d is not None))
        results = check_files(processes, forms, lambda _xml: context)
        results.update({p: _check_table(p, _offline_checker(forms, processes)) for p in tables})
    errors = 0
    for path, problems in results.items():
        errors += print_problems(str(path), problems)
        if not problems:
            click.echo(f"{path}: in Ordnung")
    if errors:
        sys.exit(1)


def _read(path: Path) -> bytes | None:
    from engine.workflow import MAX_BYTES

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never pull a huge file into memory just to refuse it
    except OSError:
        return None
    return data if len(data) <= MAX_BYTES else None


def _check_table(path: Path, check) -> list:
    from engine.workflow import MAX_BYTES, Problem

    data = _read(path)
    if data is None:
        return [Problem("error", "", "Datei nicht gefunden, nicht lesbar oder größer als "
                                     f"{MAX_BYTES // 1024} KB.")]
    return check(data)


def _offline_checker(forms, processes: list[Path]):
    """Checks a table against the forms and the scripts of the given (or else the shipped) BPMN files."""
    from engine.config import SHIPPED_BPMN_DIR
    from engine.workflow import check_decision, decision_data_names

    paths = processes or sorted(SHIPPED_BPMN_DIR.glob("*.bpmn"))
    known = decision_data_names(forms, tuple(d for d in map(_read, paths) if d is not None))
    return lambda xml: check_decision(xml, known)


def print_problems(where: str, problems) -> int:
    """One line per lint problem; returns the number of errors."""
    errors = 0
    for p in problems:
        element = f" [{p.element_id}]" if p.element_id else ""
        label = "Fehler" if p.severity == "error" else "Warnung"
        click.echo(f"{where}:{element} {label}: {p.message}")
        errors += p.severity == "error"
    return errors


@bpmn.command("deploy", help="Stellt eine BPMN-Datei als neue Version bereit (gleiche Prüfung wie im Editor); "
                             "Exit-Status 1, wenn sie abgelehnt wird.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--comment", required=True, help="Was ändert sich? (Pflicht)")
@click.option("--key", default=None, help="Schlüssel der Prozessdefinition (Standard: die Prozess-id der Datei).")
def bpmn_deploy(file: Path, comment: str, key: str) -> None:
    """Deploy a BPMN file after the lint gate."""
    from engine.authoring import Refused, deploy_file
    from engine.setup import prepare_database
    from engine.workflow import MAX_BYTES, main_process_id

    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never read a huge file whole just to refuse it
    except OSError as exc:
        raise click.ClickException(f"Datei nicht gefunden/lesbar: {exc.strerror or exc}") from None
    container = open_container()
    prepare_database(container)
    key = key or main_process_id(data) or file.stem
    try:
        definition = deploy_file(container.uow(), key, data, comment, None)
    except Refused as exc:
        print_problems(str(file), exc.problems)
        click.echo(f"Fehler: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"Version {definition.version} von '{key}' bereitgestellt. Neue Fälle starten darauf; laufende "
               "Fälle bleiben auf ihrer Version.")
