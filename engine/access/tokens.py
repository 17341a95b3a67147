"""Personal API access tokens: create (the secret shown once), list, revoke, and check a presented token."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from engine.base import Actor, record_event
from engine.db import ApiToken, User
from engine.errors import InvalidInput, NotFound

from .users import actor_of

SCOPES = ("read", "work", "deploy", "admin")
SCOPE_LABELS = {"read": "Lesen", "work": "Fallarbeit", "deploy": "Prozesse bereitstellen", "admin": "Administration"}
PREFIX = "ifl_"
MAX_DAYS = 365
# Use is noted on the token at most once a minute and in the event log at most once an hour: a client polling
# every second must not write a row per request.
TOUCH_EVERY = timedelta(minutes=1)
AUDIT_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: its id and the secret, which is never shown again."""

    id: int
    token: str


@dataclass(frozen=True)
class TokenUse:
    """Who a valid token speaks for and what it may do."""

    actor: Actor
    token_id: int
    scopes: frozenset[str]


def token_digest(token: str) -> str:
    """The stored form of a token (sha256 hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(uow, username: str, name: str, scopes, days: int = 90, actor_id: int | None = None) -> IssuedToken:
    """Create a token for a user after validating name, scopes and lifetime; returns the secret once."""
    name, scopes = (name or "").strip(), sorted(set(scopes or ()))
    errors = {}
    if not 1 <= len(name) <= 100:
        errors["name"] = "Bitte einen Namen mit höchstens 100 Zeichen angeben."
    if not scopes or not set(scopes) <= set(SCOPES):
        errors["scopes"] = "Bitte mindestens einen Bereich wählen: " + ", ".join(SCOPES) + "."
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = f"Die Gültigkeit muss zwischen 1 und {MAX_DAYS} Tagen liegen."
    token = PREFIX + secrets.token_urlsafe(32)
    with uow:
        user = uow.session.execute(select(User).where(User.username == (username or "").strip().lower())
                                   ).scalar_one_or_none()
        if user is None or not user.active:
            errors["username"] = f"Einen aktiven Benutzer '{username}' gibt es nicht."
        if errors:
            raise InvalidInput("Der API-Zugang konnte nicht angelegt werden.", errors)
        now = uow.clock.now()
        row = ApiToken(user_id=user.id, name=name, token_hash=token_digest(token), prefix=token[:10], scopes=scopes,
                       created_at=now, expires_at=now + timedelta(days=days))
        uow.session.add(row)
        uow.session.flush()
        record_event(uow, "api_token_created", actor_id if actor_id is not None else user.id, token_id=row.id,
                     user=user.username, name=name, scopes=scopes, days=days)
        uow.commit()
        return IssuedToken(row.id, token)


def revoke_token(uow, token_id: int, actor: Actor | None = None) -> str:
    """Revoke a token (a user their own; the command line, acting without an actor, any); returns its name."""
    with uow:
        row = uow.session.get(ApiToken, token_id)
        if row is None or (actor is not None and row.user_id != actor.id):
            raise NotFound("Den API-Zugang gibt es nicht.")
        if row.revoked_at is None:
            row.revoked_at = uow.clock.now()
            record_event(uow, "api_token_revoked", actor.id if actor else None, token_id=row.id, name=row.name)
        uow.commit()
        return row.name


def tokens_of(uow, actor: Actor) -> list[ApiToken]:
    """The actor's tokens, newest first (inside the caller's reader)."""
    return list(uow.session.execute(select(ApiToken).where(ApiToken.user_id == actor.id)
                                    .order_by(ApiToken.id.desc())).scalars())


def use_token(uow, token: str) -> TokenUse | None:
    """The actor and scopes of a valid token (not expired, not revoked, user active), noting the use; else None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    with uow:
        row = uow.session.execute(select(ApiToken).where(ApiToken.token_hash == token_digest(token))
                                  ).scalar_one_or_none()
        now = uow.clock.now()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            return None
        user = uow.session.get(User, row.user_id)
        if user is None or not user.active:
            return None
        last = row.last_used_at
        if last is None or now - last >= TOUCH_EVERY:
            row.last_used_at = now
            if last is None or now - last >= AUDIT_EVERY:
                record_event(uow, "api_token_used", user.id, token_id=row.id, name=row.name)
            uow.commit()
        return TokenUse(actor_of(user), row.id, frozenset(row.scopes))
