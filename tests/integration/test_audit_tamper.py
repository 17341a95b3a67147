"""Tamper tests: a DB admin changes, deletes or reorders event rows; `audit verify` fails and names the row."""
from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from engine.db import Event
from journey import CONSENT, Driver
from support import intake_form

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ("at", "actor_id", "case_id", "kind", "payload", "payload_digest", "prev_hash", "hash")


def audit_verify(database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`integraflow audit verify` as an operator runs it, against the test database."""
    env = {**os.environ, "INTEGRAFLOW_DATABASE_URL": database_url,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "web.cli", "audit", "verify", "--batch", "100"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


@contextmanager
def as_db_admin(container):
    """A connection with the append-only triggers out of the way, as an administrator could do."""
    postgres = container.engine.dialect.name == "postgresql"
    with container.engine.begin() as conn:
        if postgres:
            conn.execute(text("ALTER TABLE event DISABLE TRIGGER event_append_only"))
        else:
            conn.execute(text("DROP TRIGGER event_no_update"))
            conn.execute(text("DROP TRIGGER event_no_delete"))
        try:
            yield conn
        finally:
            if postgres:  # the PostgreSQL test database outlives this test
                conn.execute(text("ALTER TABLE event ENABLE TRIGGER event_append_only"))


@pytest.fixture
def chain(container, world) -> list[Event]:
    """A case opened and its consent given: a dozen chained events."""
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    with container.reader() as r:
        events = list(r.session.execute(select(Event).order_by(Event.seq)).scalars())
    assert len(events) >= 5
    return events


def test_an_untouched_chain_verifies(container, chain, database_url, tmp_path):
    result = audit_verify(database_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Prüfpfad in Ordnung: {len(chain)} Ereignisse geprüft" in result.stdout


def _change_payload(conn, events):
    target = events[2]
    conn.execute(update(Event.__table__).where(Event.id == target.id).values(payload={"forged": True}))
    return target, f"Der Inhalt von Ereignis ID {target.id} (Position {target.seq}"


def _change_time(conn, events):
    target = events[1]
    conn.execute(update(Event.__table__).where(Event.id == target.id).values(at=target.at - timedelta(days=3)))
    return target, f"Ereignis ID {target.id} (Position {target.seq}"


def _delete_middle(conn, events):
    target, following = events[2], events[3]
    conn.execute(delete(Event.__table__).where(Event.id == target.id))
    return following, f"Position {target.seq} fehlt"


def _delete_last(conn, events):
    target = events[-1]
    conn.execute(delete(Event.__table__).where(Event.id == target.id))
    return None, f"Das Ende der Kette fehlt: Position {target.seq} gelöscht"


def _swap_rows(conn, events):
    first, second = events[1], events[2]
    for row, other in ((first, second), (second, first)):
        conn.execute(update(Event.__table__).where(Event.id == row.id)
                     .values(**{c: getattr(other, c) for c in CONTENT}))
    return first, f"Ereignis ID {first.id} (Position {first.seq}"


@pytest.mark.parametrize("tamper", [_change_payload, _change_time, _delete_middle, _delete_last, _swap_rows],
                         ids=["payload", "time", "delete-middle", "delete-last", "swap"])
def test_tampering_breaks_the_chain_and_names_the_row(container, chain, database_url, tmp_path, tamper):
    with as_db_admin(container) as conn:
        named, expected = tamper(conn, chain)
    result = audit_verify(database_url, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Prüfpfad GEBROCHEN" in result.stdout and expected in result.stdout, result.stdout
    if named is not None:
        assert f"Ereignis-ID {named.id}." in result.stdout
    with container.reader() as r:  # the failed run is recorded for the compliance page
        stored = r.session.execute(text("SELECT ok, problem FROM audit_verification")).one()
    assert not stored[0] and expected in stored[1]


@pytest.mark.parametrize("url, message", [
    ("postgresql+psycopg://nobody@127.0.0.1:1/none", "Die Datenbank ist nicht erreichbar"),
    ("kein-gueltiger-url", "Die Datenbank ist nicht erreichbar oder die Adresse ist ungültig"),
    ("sqlite:///{tmp}/leer.sqlite", "Die Datenbank ist leer oder nicht auf dem aktuellen Stand"),
])
def test_verify_on_an_unusable_database_explains_without_traceback(tmp_path, url, message):
    result = audit_verify(url.format(tmp=tmp_path), tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    assert message in result.stderr
