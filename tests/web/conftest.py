"""The real app on the test database: `app`, `client`, a CSRF-enforcing variant and a `login` helper.

Both this file and tests/conftest.py are imported as the module `conftest` (pytest drops the first before
loading the second), so `from conftest import …` in tests/web sees this module. It re-exports what the web
tests need from tests/conftest.py, loaded under its own name.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from flask_login import FlaskLoginClient

from web import create_app
from web.auth import LoginUser


def _root_conftest():
    name = "integraflow_tests_root_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_root = _root_conftest()
PASSWORD = _root.PASSWORD
intake_form = _root.intake_form

TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test"}
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(container, monkeypatch):
    """The app wired to the test container; CSRF off so tests post plain forms."""
    # Keeps create_app from writing a secret into ./instance of the checkout.
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    app = create_app(dict(TEST_CONFIG), container=container)
    app.test_client_class = FlaskLoginClient
    return app


@pytest.fixture
def client(app):
    """A test client of the app (one browser session)."""
    return app.test_client()


@pytest.fixture
def app_csrf(container, monkeypatch):
    """The app with CSRF protection on, as in production."""
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    app = create_app({**TEST_CONFIG, "WTF_CSRF_ENABLED": True}, container=container)
    app.test_client_class = FlaskLoginClient
    return app


@pytest.fixture
def signed_in(app, world):
    """`signed_in("anna")`: a client whose session already belongs to that user.

    Checking a password costs a deliberate third of a second (argon2), so only the tests about the login
    form go through it; every other test starts signed in, the way Flask-Login's test client does it.
    """
    def make(username: str, on_app=None):
        return (on_app or app).test_client(user=LoginUser(world.users[username]))
    return make


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
