"""`integraflow dmn eval`: evaluate a decision table with input values, as the editor's „Testen“ does."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click


@click.group(help="Entscheidungstabellen (DMN) auswerten.")
def dmn() -> None:
    """DMN commands."""


@dmn.command("eval", help="Wertet eine DMN-Datei aus, z. B. --input residence_status=toleration "
                          "--input au_since=2025-10-01; zeigt die zutreffende Regel und die Ergebnisse.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--input", "inputs", multiple=True, metavar="NAME=WERT",
              help="Eingabewert; Zahlen, true/false, null und JSON werden erkannt, sonst Text. Mehrfach möglich.")
def dmn_eval(file: Path, inputs: tuple[str, ...]) -> None:
    """Evaluate a table and print the matched rule(s) and outputs in German."""
    from engine.base import DEFAULT_DEADLINES
    from engine.decisions import test_decision
    from engine.workflow import MAX_BYTES, DecisionError, explain_evaluation

    try:
        with open(file, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise click.ClickException(f"Datei nicht gefunden/lesbar: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise click.ClickException(f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")
    # What the runtime provides to every table: the configured deadlines and the day of the evaluation.
    values = {"deadlines": dict(DEFAULT_DEADLINES), "intake_date": date.today().isoformat()}
    for item in inputs:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise click.ClickException(f"Eingabe „{item}“: bitte als NAME=WERT angeben, "
                                       "z. B. residence_status=toleration.")
        values[name.strip()] = _value(raw)
    try:
        result = test_decision(data.decode("utf-8", errors="replace"), values)
    except DecisionError as exc:
        click.echo(f"Fehler: {exc}", err=True)
        sys.exit(1)
    for line in explain_evaluation(result):
        click.echo(line)


def _value(raw: str):
    """Numbers, true/false/null and JSON lists stay typed; everything else is text."""
    text = raw.strip()
    if text.lower() in ("true", "false", "null", "none"):
        return {"true": True, "false": False}.get(text.lower())
    try:
        value = json.loads(text)
    except ValueError:
        return raw
    return value if isinstance(value, (int, float, list)) else raw
