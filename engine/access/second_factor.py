"""The second factor for local accounts: time-based one-time codes (TOTP, pyotp), set up by the user, checked
after the password, required for the admin and data-protection roles when the installation says so.
"""
from __future__ import annotations

import pyotp

from engine.base import Actor, record_event
from engine.db import User
from engine.errors import InvalidInput

from .login_guard import LoginLocked, LoginPolicy, clear_failures, lock_of, note_failure
from .user_admin import require_user_admin

ISSUER = "Integraflow"
TOTP_ROLES = frozenset({"admin", "privacy"})
WRONG_CODE = "Der Code ist falsch oder abgelaufen."


def totp_required(role: str, require_totp: bool) -> bool:
    """Whether this role must use a second factor in this installation."""
    return require_totp and role in TOTP_ROLES


def new_totp_secret() -> str:
    """A fresh random secret (base32) for the user's authenticator app."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads (typed in or scanned)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _accepted_step(secret: str, code: str, last_step: int | None, now) -> int | None:
    """The time step the code belongs to (this one or a neighbour, for clock drift), unless already used."""
    totp, code = pyotp.TOTP(secret), (code or "").replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code) and (last_step is None
                                                                              or candidate > last_step):
            return candidate
    return None


def enrol_totp(uow, actor: Actor, secret: str, code: str) -> None:
    """Confirm the secret with a first code from the app and store it."""
    with uow:
        user = uow.session.get(User, actor.id)
        step = _accepted_step(secret, code, None, uow.clock.now())
        if step is None:
            raise InvalidInput("Der zweite Faktor wurde nicht eingerichtet.", {"code": WRONG_CODE})
        user.totp_secret, user.totp_last_step = secret, step
        record_event(uow, "totp_enrolled", actor.id, username=user.username)
        uow.commit()


def has_totp(uow, user_id: int) -> bool:
    """Whether the user has a second factor set up."""
    with uow:
        user = uow.session.get(User, user_id)
        return bool(user and user.totp_secret)


def verify_totp(uow, user_id: int, code: str, client_ip: str = "unbekannt",
                policy: LoginPolicy | None = None) -> bool:
    """Check the code after the password; wrong codes count towards the sign-in lock like wrong passwords."""
    policy = policy or LoginPolicy()
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.active or not user.totp_secret:
            return False
        until = lock_of(uow, policy, user.username, client_ip)
        if until is not None:
            raise LoginLocked(until, uow.clock.now())
        step = _accepted_step(user.totp_secret, code, user.totp_last_step, uow.clock.now())
        if step is None:
            record_event(uow, "login_second_factor_failed", None, username=user.username)
            note_failure(uow, policy, user.username, client_ip)
            uow.commit()
            return False
        user.totp_last_step = step
        clear_failures(uow, user.username)
        uow.commit()
        return True


def remove_totp(uow, actor: Actor, user_id: int) -> None:
    """The admin removes a lost second factor; the user sets up a new one at the next sign-in."""
    require_user_admin(actor)
    with uow:
        user = uow.session.get(User, user_id)
        if user is not None and user.totp_secret:
            user.totp_secret, user.totp_last_step = None, None
            record_event(uow, "totp_removed", actor.id, username=user.username)
        uow.commit()
