"""Users: password hashing (argon2), authentication and creation."""
from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from engine.base import ROLE_LABELS, Actor, record_event
from engine.db import Organisation, User, UserMunicipality
from engine.errors import InvalidInput

from .login_guard import LoginLocked, LoginPolicy, clear_failures, lock_of, note_failure
from .password_policy import password_problem

_hasher = PasswordHasher()
# Compared against when the user does not exist, so timing does not reveal valid usernames.
_DUMMY_HASH = _hasher.hash("integraflow-timing-guard")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def actor_of(user: User) -> Actor:
    """The service-level view of a user."""
    return Actor(user.id, user.username, user.display_name, user.role, user.organisation_id)


def authenticate(uow, username: str, password: str, client_ip: str = "unbekannt",
                 policy: LoginPolicy | None = None) -> Actor | None:
    """Check credentials; logs success and failure; returns the actor or None.

    Raises LoginLocked (nothing checked, the refusal logged) while the username or client address is locked.
    """
    policy = policy or LoginPolicy()
    name = (username or "").strip().lower()[:80]
    client_ip = (client_ip or "unbekannt")[:64]
    with uow:
        until = lock_of(uow, policy, name, client_ip)
        if until is not None:
            record_event(uow, "login_failed", None, username=(username or "")[:80], locked=True)
            uow.commit()
            raise LoginLocked(until, uow.clock.now())
        user = uow.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password or "") and user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and not user.active:
            ok = False
        record_event(uow, "login" if ok else "login_failed", user.id if ok else None,
                     username=(username or "")[:80])
        if ok:
            clear_failures(uow, name)
            user.last_login_at = uow.clock.now()
        else:
            note_failure(uow, policy, name, client_ip)
        uow.commit()
        return actor_of(user) if ok else None


def load_session_user(uow, user_id: int, require_totp: bool = False) -> tuple[Actor, bool, bool] | None:
    """A session's actor, whether they must change their password first and whether they must set up a second
    factor first (their role requires one and they have none); None if gone or deactivated."""
    with uow:
        user = uow.session.get(User, user_id)
        if user is None or not user.active:
            return None
        must_set_up_totp = require_totp and user.role in ("admin", "privacy") and not user.totp_secret
        return actor_of(user), bool(user.password_change_required), must_set_up_totp


def change_own_password(uow, actor: Actor, current: str, new: str) -> None:
    """The signed-in user replaces their password (checking the current one); clears a forced change."""
    with uow:
        user = uow.session.get(User, actor.id)
        stored = user.password_hash if user else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, current or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        raise InvalidInput("Das Passwort wurde nicht geändert.", {"current": "Das bisherige Passwort stimmt nicht."})
    if problem := password_problem(new, actor.username):
        raise InvalidInput("Das Passwort wurde nicht geändert.", {"password": problem})
    if new == current:
        raise InvalidInput("Das Passwort wurde nicht geändert.",
                           {"password": "Bitte ein anderes als das bisherige Passwort wählen."})
    password_hash = hash_password(new)
    with uow:
        user = uow.session.get(User, actor.id)
        user.password_hash, user.password_change_required = password_hash, False
        record_event(uow, "password_changed", actor.id, username=user.username)
        uow.commit()


def load_actor(uow, user_id: int) -> Actor | None:
    """The actor for a session's user id, or None if the user is gone or deactivated."""
    with uow:
        user = uow.session.get(User, user_id)
        return actor_of(user) if user is not None and user.active else None


def create_user(uow, username: str, display_name: str, role: str, organisation_name: str, password: str,
                email: str | None = None, actor_id: int | None = None, municipality_ids: tuple[int, ...] = (),
                change_required: bool = False) -> int:
    """Create a user after validating every field; returns the new id.

    `change_required`: the password is a temporary one the user must replace at the first sign-in.
    """
    errors = {}
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        errors["username"] = "Benutzername: 2–80 Zeichen, Kleinbuchstaben, Ziffern, Punkt, Binde- oder Unterstrich."
    if role not in ROLE_LABELS:
        errors["role"] = f"Unbekannte Rolle. Erlaubt: {', '.join(ROLE_LABELS)}."
    if problem := password_problem(password, username):
        errors["password"] = problem
    if not (display_name or "").strip():
        errors["display_name"] = "Bitte einen Namen angeben."
    # Hash before the transaction: argon2 is deliberately slow and must not hold SQLite's write lock.
    password_hash = hash_password(password) if not errors.get("password") else ""
    with uow:
        org = uow.session.execute(select(Organisation).where(Organisation.name == organisation_name)
                                  ).scalar_one_or_none()
        if org is None:
            errors["organisation"] = f"Organisation '{organisation_name}' gibt es nicht."
        if not errors.get("username") and uow.session.execute(
                select(User.id).where(User.username == username)).first():
            errors["username"] = f"Den Benutzernamen '{username}' gibt es bereits."
        if errors:
            raise InvalidInput("Der Benutzer konnte nicht angelegt werden.", errors)
        user = User(username=username, display_name=display_name.strip(), role=role, organisation_id=org.id,
                    password_hash=password_hash, email=email, active=True, created_at=uow.clock.now(),
                    password_change_required=change_required)
        uow.session.add(user)
        uow.session.flush()
        uow.session.add_all(UserMunicipality(user_id=user.id, municipality_id=m) for m in sorted(set(municipality_ids)))
        record_event(uow, "user_created", actor_id, username=username, role=role, organisation=org.name,
                     municipalities=sorted(set(municipality_ids)))
        uow.commit()
        return user.id
