"""Second factor (TOTP) for local accounts: set up, asked after the password, required for admin and privacy."""
from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from engine.db import Event, User
from support import PASSWORD, add_user, login


def _code(secret: str, clock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def _secret_on(page) -> str:
    return re.search(r'class="totp-secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)


def _set_password(container, username: str) -> None:
    from engine.access import hash_password

    with container.uow() as uow:
        uow.session.execute(select(User).where(User.username == username)).scalar_one().password_hash = \
            hash_password(PASSWORD)
        uow.commit()


def _enrol(client, clock) -> str:
    secret = _secret_on(client.get("/zwei-faktor"))
    assert client.post("/zwei-faktor", data={"code": _code(secret, clock)}).status_code == 302
    return secret


def test_set_up_second_factor_is_asked_after_the_password(client, world, clock, container):
    login(client, "anna")
    secret = _enrol(client, clock)
    client.post("/logout")
    response = client.post("/login", data={"username": "anna", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/zweiter-faktor")
    assert client.get("/").status_code == 302  # not signed in before the code
    assert client.post("/login/zweiter-faktor", data={"code": "000000"}).status_code == 422
    clock.advance(seconds=30)  # the enrolment code's time step is used up; the next one works
    assert client.post("/login/zweiter-faktor", data={"code": _code(secret, clock)}).status_code == 302
    assert client.get("/").status_code == 200
    with container.reader() as r:
        kinds = list(r.session.execute(select(Event.kind).where(Event.kind.in_(
            ["totp_enrolled", "login_second_factor_failed"])).order_by(Event.seq)).scalars())
    assert kinds == ["totp_enrolled", "login_second_factor_failed"]


def test_a_code_works_only_once(client, world, clock):
    login(client, "anna")
    secret = _enrol(client, clock)
    client.post("/logout")
    login(client, "anna")
    assert client.post("/login/zweiter-faktor", data={"code": _code(secret, clock)}).status_code == 422


def test_wrong_enrolment_code_stores_nothing(client, world, container):
    login(client, "anna")
    client.get("/zwei-faktor")
    assert client.post("/zwei-faktor", data={"code": "123456"}).status_code == 422
    with container.reader() as r:
        assert r.session.execute(select(User.totp_secret).where(User.username == "anna")).scalar_one() is None


@pytest.fixture
def totp_required_app(container, monkeypatch):
    """The app with INTEGRAFLOW_REQUIRE_TOTP set, on the test database and clock."""
    from engine.bootstrap import bootstrap
    from engine.config import Settings
    from web import create_app

    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    wired = bootstrap(Settings(database_url=container.settings.database_url, require_totp=True), clock=container.clock)
    yield create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False},
                     container=wired)
    wired.engine.dispose()


def test_admin_must_set_up_a_second_factor_when_required(totp_required_app, world, container, clock):
    add_user(container, world, "ada", "Ada Admin", "admin", world.org_a)
    _set_password(container, "ada")
    client = totp_required_app.test_client()
    login(client, "ada")
    assert client.get("/admin/users").headers["Location"].endswith("/zwei-faktor")
    _enrol(client, clock)
    assert client.get("/admin/users").status_code == 200


def test_caseworker_is_not_forced_when_required_for_admins_only(totp_required_app, world):
    client = totp_required_app.test_client()
    login(client, "anna")
    assert client.get("/").status_code == 200


def test_admin_removes_a_lost_second_factor(signed_in, client, world, clock, container):
    add_user(container, world, "ada", "Ada Admin", "admin", world.org_a)
    login(client, "anna")
    _enrol(client, clock)
    assert signed_in("ada").post(f"/admin/users/{world.anna.id}/totp/remove").status_code == 302
    client.post("/logout")
    assert login(client, "anna").headers["Location"].endswith("/")
