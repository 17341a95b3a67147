"""Sign-in throttling: too many failures for one username or from one client address lock it for a while.

The failures live in the database (several web workers agree) and time comes from the unit of work's clock.
While locked, attempts are refused without checking the password, and are not counted, so a lock ends
`lockout` after it began even if the attacker keeps trying.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from engine.base import record_event
from engine.db import LoginFailure
from engine.errors import InvalidInput


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures within which window lock a username or a client address, and for how long."""

    max_failures: int = 5
    ip_max_failures: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings) -> LoginPolicy:
        """The policy configured in engine.config.Settings."""
        return cls(settings.login_max_failures, settings.login_ip_max_failures,
                   timedelta(minutes=settings.login_window_minutes),
                   timedelta(minutes=settings.login_lockout_minutes))


class LoginLocked(InvalidInput):
    """Sign-in refused because of too many recent failures; the message says how long to wait."""

    status = 429

    def __init__(self, until: datetime, now: datetime):
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__(f"Zu viele Fehlversuche. Bitte in {minutes} Minuten erneut versuchen.")
        self.until = until


def _locked_until(session, column, value: str, limit: int, policy: LoginPolicy, now: datetime) -> datetime | None:
    times = session.execute(select(LoginFailure.at).where(column == value, LoginFailure.at > now - policy.window)
                            .order_by(LoginFailure.at.desc()).limit(limit)).scalars().all()
    if len(times) < limit:
        return None
    until = times[0] + policy.lockout
    return until if until > now else None


def lock_of(uow, policy: LoginPolicy, username: str, client_ip: str) -> datetime | None:
    """When the lock on this username or client address ends, or None when neither is locked."""
    now = uow.clock.now()
    found = [_locked_until(uow.session, LoginFailure.username, username, policy.max_failures, policy, now),
             _locked_until(uow.session, LoginFailure.client_ip, client_ip, policy.ip_max_failures, policy, now)]
    found = [until for until in found if until is not None]
    return max(found) if found else None


def note_failure(uow, policy: LoginPolicy, username: str, client_ip: str) -> None:
    """Count a failed sign-in; records a `login_locked` event when this failure starts a lock."""
    now = uow.clock.now()
    uow.session.add(LoginFailure(at=now, username=username, client_ip=client_ip))
    uow.session.flush()
    for scope, column, value, limit in (("username", LoginFailure.username, username, policy.max_failures),
                                        ("client_ip", LoginFailure.client_ip, client_ip, policy.ip_max_failures)):
        until = _locked_until(uow.session, column, value, limit, policy, now)
        if until is not None:
            record_event(uow, "login_locked", None, username=username, client_ip=client_ip, scope=scope,
                         until=until.isoformat())


def clear_failures(uow, username: str) -> None:
    """A successful sign-in resets the username's failure count."""
    uow.session.execute(delete(LoginFailure).where(LoginFailure.username == username))
