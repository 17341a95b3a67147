"""Sign-in throttling and lockout, in the database and on the injected clock."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.access import LoginLocked, LoginPolicy, authenticate
from engine.db import Event, LoginFailure
from support import PASSWORD, count_rows

IP = "192.0.2.10"


def _events(container, kind: str) -> list[dict]:
    with container.reader() as r:
        return [e.payload for e in r.session.execute(select(Event).where(Event.kind == kind).order_by(Event.id))
                .scalars()]


def _fail(container, username: str, times: int = 1, ip: str = IP, policy: LoginPolicy | None = None) -> None:
    for _ in range(times):
        assert authenticate(container.uow(), username, "falsch-falsch", ip, policy) is None


def test_fifth_failure_locks_the_username_until_the_lockout_ends(container, world, clock):
    _fail(container, "anna", 5)
    with pytest.raises(LoginLocked) as refused:
        authenticate(container.uow(), "anna", PASSWORD, IP)
    assert refused.value.message == "Zu viele Fehlversuche. Bitte in 15 Minuten erneut versuchen."
    assert refused.value.status == 429
    (locked,) = _events(container, "login_locked")
    assert (locked["username"], locked["scope"], locked["client_ip"]) == ("anna", "username", IP)
    assert _events(container, "login_failed")[-1] == {"username": "anna", "locked": True}

    clock.advance(minutes=10, seconds=30)
    with pytest.raises(LoginLocked) as refused:
        authenticate(container.uow(), "ANNA ", PASSWORD, "198.51.100.7")  # other spelling, other address
    assert refused.value.message == "Zu viele Fehlversuche. Bitte in 5 Minuten erneut versuchen."

    clock.advance(minutes=5)
    assert authenticate(container.uow(), "anna", PASSWORD, IP).username == "anna"
    assert count_rows(container, LoginFailure, username="anna") == 0


def test_four_failures_do_not_lock_and_a_success_resets_the_count(container, world):
    _fail(container, "anna", 4)
    assert authenticate(container.uow(), "anna", PASSWORD, IP).username == "anna"
    _fail(container, "anna", 4)
    assert authenticate(container.uow(), "anna", PASSWORD, IP).username == "anna"
    assert _events(container, "login_locked") == []


def test_failures_outside_the_window_do_not_add_up(container, world, clock):
    policy = LoginPolicy(max_failures=2, window=timedelta(minutes=15))
    _fail(container, "anna", policy=policy)
    clock.advance(minutes=16)
    _fail(container, "anna", policy=policy)
    assert authenticate(container.uow(), "anna", PASSWORD, IP, policy).username == "anna"


def test_spraying_usernames_from_one_address_locks_the_address(container, world):
    policy = LoginPolicy(max_failures=5, ip_max_failures=3)
    for username in ("nobody", "ben", "carla"):
        _fail(container, username, policy=policy)
    with pytest.raises(LoginLocked):
        authenticate(container.uow(), "anna", PASSWORD, IP, policy)
    assert [(e["scope"], e["username"]) for e in _events(container, "login_locked")] == [("client_ip", "carla")]
    # The same user from another address is not affected.
    assert authenticate(container.uow(), "anna", PASSWORD, "198.51.100.7", policy).username == "anna"


def test_unknown_usernames_lock_like_real_ones(container, world):
    _fail(container, "gibt-es-nicht", 5)
    with pytest.raises(LoginLocked):
        authenticate(container.uow(), "gibt-es-nicht", "egal-egal-egal", IP)
