"""The real app on the test database: `app`, `client`, a CSRF-enforcing variant (helpers live in support.py)."""
from __future__ import annotations

import pytest
from flask_login import FlaskLoginClient

from web import create_app
from web.auth import LoginUser

# Session timeouts off: tests move the clock by months under one signed-in client (test_hardening turns them on).
TEST_CONFIG = {"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False}


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
