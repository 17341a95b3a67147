"""`integraflow tokens create|revoke`: personal API access tokens from the command line."""
from __future__ import annotations

import click

from .database import audited_database

SCOPE_CHOICE = click.Choice(["read", "work", "deploy", "admin"])


@click.group(help="Persönliche API-Zugänge (Tokens) verwalten.")
def tokens() -> None:
    """Token commands."""


@tokens.command("create", help="Legt einen API-Zugang an; das Token steht in der letzten Zeile (nur dieses Mal).")
@click.option("--username", required=True, help="Für diesen Benutzer.")
@click.option("--name", required=True, help="Name des Zugangs (z. B. das anbindende System).")
@click.option("--scope", "scopes", multiple=True, type=SCOPE_CHOICE, help="Bereich, mehrfach möglich "
              "(Standard: read).")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 365), help="Gültigkeit in Tagen.")
def tokens_create(username: str, name: str, scopes: tuple[str, ...], days: int) -> None:
    """Create a token and print it on the last line."""
    from engine.access import create_token

    issued = create_token(audited_database().uow(), username, name, scopes or ("read",), days)
    click.echo(f"API-Zugang '{name}' für '{username}' angelegt (ID {issued.id}, Bereiche: "
               f"{', '.join(sorted(scopes or ('read',)))}, gültig {days} Tage). Das Token wird nur jetzt angezeigt:")
    click.echo(issued.token)


@tokens.command("revoke", help="Widerruft einen API-Zugang (ID aus 'tokens create' oder der Seite API-Zugänge).")
@click.argument("token_id", type=click.IntRange(1, 2**31 - 1))
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by id."""
    from engine.access import revoke_token

    name = revoke_token(audited_database().uow(), token_id)
    click.echo(f"API-Zugang '{name}' (ID {token_id}) widerrufen.")
