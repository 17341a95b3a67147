"""Behind a reverse proxy (INTEGRAFLOW_PROXY_HOPS) the login limits count the visitor's address, never a spoofed one."""
from __future__ import annotations

import dataclasses

import pytest

from engine.db import LoginFailure
from support import login, rows
from web import create_app

VISITOR = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def _failed_from(app, container) -> list[str]:
    client = app.test_client()
    client.environ_base.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in VISITOR.items()})
    assert login(client, "anna", "falsch-falsch").status_code == 422
    return [f.client_ip for f in rows(container, LoginFailure)]


@pytest.fixture
def behind_proxy(container, monkeypatch):
    monkeypatch.setenv("INTEGRAFLOW_SECRET_KEY", "test")
    container.settings = dataclasses.replace(container.settings, proxy_hops=1)
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "SESSION_TIMEOUTS": False},
                      container=container)


def test_behind_one_proxy_the_forwarded_address_counts(behind_proxy, container, world):
    assert _failed_from(behind_proxy, container) == ["203.0.113.7"]


def test_without_a_proxy_a_forwarded_header_is_ignored(app, container, world):
    assert _failed_from(app, container) == ["127.0.0.1"]
