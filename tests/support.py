"""Helpers shared by the test tiers (plain functions; fixtures live in the conftest files)."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, func, select
from werkzeug.datastructures import MultiDict

from engine.uow import UnitOfWork

PASSWORD = "richtig-geheim-123"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def intake_form(municipality_id: int, **overrides) -> MultiDict:
    """A valid intake submission (HTML field names) with optional overrides."""
    data = {"first_name": "Amina", "last_name": "Haddad", "birth_date": "1990-03-04", "gender": "female",
            "nationality": "syrisch", "languages": "Arabisch, Deutsch A2", "municipality_id": str(municipality_id),
            "accommodation_address": "Hauptstraße 1, Astadt", "residence_status": "recognised_refugee",
            "residence_status_evidence": "eAT Nr. 123", "au_since": "2025-10-01", "counselling_start": "2025-12-01"}
    data.update(overrides)
    return MultiDict({k: v for k, v in data.items() if v is not None})


def csrf_token(client, path: str = "/login") -> str | None:
    """The CSRF token a page's forms carry (None when the page has none)."""
    found = _CSRF_FIELD.search(client.get(path).get_data(as_text=True))
    return found.group(1) if found and found.group(1) else None


def login(client, username: str, password: str | None = None):
    """Sign in through the login form (with its CSRF token when the app wants one); returns the response."""
    data = {"username": username, "password": PASSWORD if password is None else password}
    token = csrf_token(client)
    if token:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    if password is None:
        assert response.status_code == 302, f"login of {username} failed: {response.status_code}"
    return response


def count_rows(container, model, **where) -> int:
    """Rows of a table, optionally filtered by column equality."""
    with container.reader() as r:
        stmt = select(func.count()).select_from(model)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return r.session.execute(stmt).scalar_one()


def rows(container, model, **where) -> list:
    """Rows of a table in id order, optionally filtered by column equality."""
    with container.reader() as r:
        stmt = select(model).order_by(model.id)
        for key, value in where.items():
            stmt = stmt.where(getattr(model, key) == value)
        return list(r.session.execute(stmt).scalars())


@contextmanager
def statements(container):
    """Collect the SQL statements sent while the block runs (for N+1 guards)."""
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(container.engine, "before_cursor_execute", count)


def add_user(container, world, username: str, display_name: str, role: str, organisation_id: int):
    """Create an extra user and register them in `world.users` (so `signed_in(username)` works)."""
    from engine.access import actor_of
    from engine.db import User

    with container.uow() as uow:
        user = User(username=username, display_name=display_name, role=role, organisation_id=organisation_id,
                    password_hash="x", active=True, created_at=container.clock.now())
        uow.session.add(user)
        uow.commit()
        world.users[username] = actor_of(user)
    return world.users[username]


def shipped_decisions() -> tuple[tuple[str, int], ...]:
    """(DMN, version 1) of the shipped decision tables: what the shipped journey's business-rule tasks use."""
    from engine.config import SHIPPED_BPMN_DIR

    return tuple((p.read_text(encoding="utf-8"), 1) for p in sorted(SHIPPED_BPMN_DIR.glob("*.dmn")))


class BeforeLocking(UnitOfWork):
    """A unit of work that runs `meanwhile` (another transaction) after computing, just before taking the lock."""

    def __init__(self, container, meanwhile):
        super().__init__(container.session_factory, container.clock, container.runtime, container.forms)
        self._meanwhile = meanwhile

    def lock_for_write(self) -> None:
        """Let the other transaction commit between the completion's read and its writes."""
        self._meanwhile()
        super().lock_for_write()
