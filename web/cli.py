"""The `integraflow` command line: serve, db upgrade, demo, users create, bpmn check, bench."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from engine.bootstrap import bootstrap
from engine.errors import IntegraflowError, InvalidInput

from .audit_cli import audit
from .cases_cli import cases
from .privacy_cli import privacy


def _container():
    return bootstrap()


@click.group(help="Integraflow – BPMN-Fallbegleitung im Integrationsmanagement.")
def cli() -> None:
    """Top-level command group."""


@cli.command(help="Startet die Anwendung (Migrationen, Demodaten beim ersten Start).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse, auf der gelauscht wird.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@click.option("--demo/--no-demo", default=True, show_default=True, help="Demodaten laden, wenn die Datenbank leer ist.")
def serve(host: str, port: int, demo: bool) -> None:
    """Run the web app on host:port."""
    from engine.setup import prepare_database
    from web import create_app

    container = _container()
    prepare_database(container)
    if demo and not _has_data(container):
        from engine.demo import load_demo

        click.echo("Lade Demodaten …")
        click.echo(_describe_demo(load_demo(container)))
    app = create_app(container=container)
    logging.basicConfig(level=logging.INFO)
    if container.settings.scheduler_in_process:
        from engine.scheduler import build_scheduler

        build_scheduler(container).start()
        click.echo("Zeitplaner läuft im selben Prozess (INTEGRAFLOW_SCHEDULER_IN_PROCESS=0 schaltet ihn ab).")
    click.echo(f"Integraflow läuft auf http://{host}:{port}  (Datenbank: {container.engine.url.render_as_string()})")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def _describe_demo(summary) -> str:
    from engine.demo import DEMO_PASSWORD

    return (f"Demodaten geladen: {summary.cases} Fälle, {summary.open_tasks} offene Aufgaben "
            f"({summary.overdue_tasks} überfällig), {sum(summary.users_by_role.values())} Benutzer "
            f"(Passwort für alle: {DEMO_PASSWORD}, z. B. Benutzer 'mueller' oder 'leitung').")


def _has_data(container) -> bool:
    from engine.demo import has_demo_data

    return has_demo_data(container)


@cli.command(help="Startet den Zeitplaner (Fristen, Erinnerungen, E-Mails) als eigenen Prozess.")
def scheduler() -> None:
    """Run the scheduler in the foreground until interrupted."""
    from engine.scheduler import build_scheduler
    from engine.setup import prepare_database

    container = _container()
    prepare_database(container)
    logging.basicConfig(level=logging.INFO)
    click.echo(f"Zeitplaner gestartet (Fristenlauf alle {container.settings.sweep_interval_seconds} s).")
    try:
        build_scheduler(container, blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Zeitplaner beendet.")


@cli.group(help="Datenbank verwalten.")
def db() -> None:
    """Database commands."""


@db.command("upgrade", help="Schema auf den neuesten Stand bringen und die ausgelieferte Prozessversion bereitstellen.")
def db_upgrade() -> None:
    """Run migrations."""
    from engine.setup import prepare_database

    prepare_database(_container())
    click.echo("Datenbank ist aktuell.")


@cli.command(help="Demodaten laden (Organisationen, Benutzer, Fälle in allen Phasen).")
@click.option("--cases", default=40, show_default=True, type=click.IntRange(1, 200_000), help="Anzahl Fälle.")
def demo(cases: int) -> None:
    """Load demo data into an empty database."""
    from engine.demo import has_demo_data
    from engine.demo_scale import load_demo_at_scale
    from engine.setup import prepare_database

    container = _container()
    prepare_database(container)
    if has_demo_data(container):
        raise click.ClickException("Die Datenbank enthält bereits Daten; Demodaten werden nur in eine leere "
                                   "Datenbank geladen.")
    click.echo(_describe_demo(load_demo_at_scale(container, cases, echo=click.echo)))


@cli.group(help="Benutzer verwalten.")
def users() -> None:
    """User commands."""


@users.command("create", help="Benutzer anlegen.")
@click.option("--username", required=True, help="Anmeldename (Kleinbuchstaben).")
@click.option("--name", "display_name", required=True, help="Anzeigename.")
@click.option("--role", required=True,
              type=click.Choice(["caseworker", "supervisor", "compliance", "admin", "privacy"]), help="Rolle.")
@click.option("--organisation", required=True, help="Name der Organisation.")
@click.option("--email", default=None, help="E-Mail-Adresse.")
@click.password_option("--password", help="Passwort (mind. 12 Zeichen, nicht der Benutzername); wird sonst abgefragt.")
def users_create(username, display_name, role, organisation, email, password) -> None:
    """Create a user."""
    from engine.services import create_user
    from engine.setup import prepare_database

    container = _container()
    prepare_database(container)
    user_id = create_user(container.uow(), username, display_name, role, organisation, password, email=email)
    click.echo(f"Benutzer '{username}' angelegt (ID {user_id}).")


@cli.group(help="BPMN-Dateien prüfen.")
def bpmn() -> None:
    """BPMN commands."""


@bpmn.command("check", help="Prüft BPMN-Dateien; Exit-Status 1 bei Fehlern.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--forms", "forms_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Ordner mit Formularen (Standard: bpmn/forms).")
@click.option("--db", "from_db", is_flag=True,
              help="Gegen die in der Datenbank bereitgestellten Formulare prüfen (INTEGRAFLOW_DATABASE_URL).")
def bpmn_check(files, forms_dir, from_db: bool) -> None:
    """Lint BPMN files: one line per problem."""
    from engine.config import SHIPPED_BPMN_DIR
    from engine.forms import FormRegistry
    from engine.workflow.lint import check_files

    if from_db:
        with _container().reader() as r:
            forms = r.forms
    else:
        forms = FormRegistry(forms_dir or SHIPPED_BPMN_DIR / "forms")
    results = check_files(list(files), forms)
    errors = 0
    for path, problems in results.items():
        errors += _print_problems(str(path), problems)
        if not problems:
            click.echo(f"{path}: in Ordnung")
    if errors:
        sys.exit(1)


def _print_problems(where: str, problems) -> int:
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
@click.option("--key", default="client_journey", show_default=True, help="Schlüssel der Prozessdefinition.")
def bpmn_deploy(file: Path, comment: str, key: str) -> None:
    """Deploy a BPMN file after the lint gate."""
    from engine.services.authoring import Refused
    from engine.services.definition_drafts import deploy_file
    from engine.setup import prepare_database
    from engine.workflow.xml_safety import MAX_BYTES

    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never read a huge file whole just to refuse it
    except OSError as exc:
        raise click.ClickException(f"Datei nicht gefunden/lesbar: {exc.strerror or exc}") from None
    container = _container()
    prepare_database(container)
    try:
        definition = deploy_file(container.uow(), key, data, comment, None)
    except Refused as exc:
        _print_problems(str(file), exc.problems)
        click.echo(f"Fehler: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"Version {definition.version} von '{key}' bereitgestellt. Neue Fälle starten darauf; laufende "
               "Fälle bleiben auf ihrer Version.")


@cli.command(help="Misst Durchsatz und Verlaufsunabhängigkeit der Aufgabenerledigung.")
@click.option("--rounds", default=200, show_default=True, type=click.IntRange(10, 100_000))
@click.option("--timers", is_flag=True, help="Stattdessen den Fristenlauf messen (10.000 fällige, 100.000 wartende).")
@click.option("--due", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--idle", default=100_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--reads", is_flag=True, help="Stattdessen die Lesepfade auf der konfigurierten Datenbank messen "
              "(z. B. nach 'integraflow demo --cases 100000').")
@click.option("--samples", default=100, show_default=True, type=click.IntRange(5, 10_000))
@click.option("--compliance", is_flag=True, help="Stattdessen die Pflichtschritt-Prüfung auf der Datenbank messen.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Stichtag (JJJJ-MM-TT).")
@click.option("--explain", is_flag=True, help="Mit --compliance: Ausführungszeit laut EXPLAIN ANALYZE (PostgreSQL).")
@click.option("--report", is_flag=True, help="Stattdessen den Landesbericht auf der konfigurierten Datenbank messen.")
@click.option("--year", default=None, type=click.IntRange(2015, 2100), help="Berichtsjahr (Standard: Vorjahr).")
@click.option("--database-url", default=None, help="Durchsatz auf dieser (eigenen, leeren) Datenbank messen statt "
              "auf einer temporären SQLite-Datei, z. B. postgresql+psycopg://postgres@127.0.0.1/benchengine.")
@click.option("--migration", is_flag=True, help="Stattdessen Migrationsvorschau und Migration laufender Fälle messen.")
@click.option("--cases", default=1000, show_default=True, type=click.IntRange(4, 1_000_000),
              help="Mit --migration: Zahl der laufenden Fälle.")
def bench(rounds: int, timers: bool, due: int, idle: int, reads: bool, samples: int, compliance: bool, as_of,
          explain: bool, report: bool, year: int | None, database_url: str | None, migration: bool,
          cases: int) -> None:
    """Print benchmark numbers."""
    if migration:
        from engine.bench_migration import run_migration_benchmark

        run_migration_benchmark(cases=cases, echo=click.echo)
        return
    if report:
        from engine.reporting.bench_report import run_report_benchmark

        run_report_benchmark(_container(), echo=click.echo, year=year, rounds=min(rounds, 5))
        return
    if compliance:
        from engine.compliance.bench import run_compliance_benchmark

        run_compliance_benchmark(_container(), as_of=as_of.date() if as_of else None, explain=explain,
                                 echo=click.echo)
        return
    if reads:
        from engine.bench_reads import run_read_benchmarks

        container = _container()
        if not _has_data(container):
            raise click.ClickException("Die Datenbank enthält keine Fälle; zuerst 'integraflow demo --cases N'.")
        run_read_benchmarks(container, samples=samples, echo=click.echo)
        return
    if timers:
        from engine.bench_timers import run_timer_benchmarks

        run_timer_benchmarks(due=due, idle=idle, echo=click.echo)
        return
    from engine.bench import run_benchmarks

    run_benchmarks(rounds=rounds, echo=click.echo, database_url=database_url)


cli.add_command(audit)
cli.add_command(cases)
cli.add_command(privacy)


def main() -> None:
    """Entry point: run the CLI and turn every error into one German line, never a traceback."""
    try:
        cli.main(standalone_mode=False, prog_name="integraflow")
    except click.exceptions.Abort:
        click.echo("Abgebrochen.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InvalidInput as exc:
        click.echo(f"Fehler: {exc.message}", err=True)
        for field, message in exc.errors.items():
            click.echo(f"  {field}: {message}", err=True)
        sys.exit(1)
    except IntegraflowError as exc:
        click.echo(f"Fehler: {exc.message}", err=True)
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the CLI promises no tracebacks
        logging.getLogger("integraflow.cli").debug("unexpected", exc_info=True)
        click.echo(f"Fehler: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
