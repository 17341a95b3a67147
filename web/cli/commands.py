"""The `integraflow` command line: serve, db upgrade, demo, users create, bpmn check, bench."""
from __future__ import annotations

import logging
import sys

import click

from engine.errors import IntegraflowError, InvalidInput

from .audit import audit
from .bench import bench
from .bpmn import bpmn
from .cases import cases
from .database import has_data, open_container
from .dmn import dmn
from .privacy import privacy
from .tokens import tokens


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

    from .. import create_app

    container = open_container()
    prepare_database(container)
    if demo and not has_data(container):
        from engine.demo import load_demo

        click.echo("Lade Demodaten …")
        click.echo(_describe_demo(load_demo(container)))
    logging.basicConfig(level=logging.INFO)  # before the app, whose request log then uses this handler
    app = create_app(container=container)
    from ..warmup import settle_heap, start_warmup, warm_worker

    warm_worker(app)
    settle_heap()
    start_warmup()
    if container.settings.scheduler_in_process:
        from engine.time import build_scheduler

        build_scheduler(container).start()
        click.echo("Zeitplaner läuft im selben Prozess (INTEGRAFLOW_SCHEDULER_IN_PROCESS=0 schaltet ihn ab).")
    click.echo(f"Integraflow läuft auf http://{host}:{port}  (Datenbank: {container.engine.url.render_as_string()})")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def _describe_demo(summary) -> str:
    from engine.demo import DEMO_PASSWORD

    return (f"Demodaten geladen: {summary.cases} Fälle, {summary.open_tasks} offene Aufgaben "
            f"({summary.overdue_tasks} überfällig), {sum(summary.users_by_role.values())} Benutzer "
            f"(Passwort für alle: {DEMO_PASSWORD}, z. B. Benutzer 'mueller' oder 'leitung').")


@cli.command(help="Startet den Zeitplaner (Fristen, Erinnerungen, E-Mails) als eigenen Prozess.")
def scheduler() -> None:
    """Run the scheduler in the foreground until interrupted."""
    from engine.setup import prepare_database
    from engine.time import build_scheduler

    from ..request_log import configure_logging

    container = open_container()
    prepare_database(container)
    if container.settings.log_format == "json":
        configure_logging("json")
    else:
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

    prepare_database(open_container())
    click.echo("Datenbank ist aktuell.")


@cli.command(help="Demodaten laden (Organisationen, Benutzer, Fälle in allen Phasen).")
@click.option("--cases", default=40, show_default=True, type=click.IntRange(1, 200_000), help="Anzahl Fälle.")
def demo(cases: int) -> None:
    """Load demo data into an empty database."""
    from engine.demo import has_demo_data, load_demo_at_scale
    from engine.setup import prepare_database

    container = open_container()
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
    from engine.access import create_user
    from engine.setup import prepare_database

    container = open_container()
    prepare_database(container)
    user_id = create_user(container.uow(), username, display_name, role, organisation, password, email=email)
    click.echo(f"Benutzer '{username}' angelegt (ID {user_id}).")


cli.add_command(audit)
cli.add_command(bench)
cli.add_command(bpmn)
cli.add_command(cases)
cli.add_command(dmn)
cli.add_command(privacy)
cli.add_command(tokens)


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

