"""Administering users in the browser: the list with last sign-in, changes of role, organisation and
municipalities, deactivation, password reset with a forced change. Every change is an audited event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from engine.base import ROLE_LABELS, Actor, record_event
from engine.db import Municipality, Organisation, User, UserMunicipality
from engine.errors import Forbidden, InvalidInput, NotFound

from .password_policy import password_problem
from .users import hash_password

ADMIN_ONLY = "Benutzer verwalten darf nur die Administration."


@dataclass(frozen=True)
class UserRow:
    """One user as the administration list shows them (no password data)."""

    id: int
    username: str
    display_name: str
    email: str | None
    role: str
    organisation_id: int
    organisation: str
    active: bool
    last_login_at: datetime | None
    password_change_required: bool
    municipality_ids: tuple[int, ...]
    municipalities: tuple[str, ...]
    second_factor: bool


@dataclass(frozen=True)
class Choices:
    """What the forms offer: roles, organisations and municipalities (id, name)."""

    roles: dict[str, str]
    organisations: list[tuple[int, str]]
    municipalities: list[tuple[int, str]]


def require_user_admin(actor: Actor) -> None:
    """Only the admin role manages users (the access matrix says so too)."""
    if actor.role != "admin":
        raise Forbidden(ADMIN_ONLY)


def list_users(uow, actor: Actor) -> list[UserRow]:
    """Every user with organisation, municipalities served and last sign-in, by name."""
    require_user_admin(actor)
    with uow:
        s = uow.session
        served: dict[int, list[tuple[int, str]]] = {}
        for user_id, mid, name in s.execute(select(UserMunicipality.user_id, Municipality.id, Municipality.name)
                                            .join(Municipality, Municipality.id == UserMunicipality.municipality_id)
                                            .order_by(Municipality.name)):
            served.setdefault(user_id, []).append((mid, name))
        users = s.execute(select(User).order_by(User.display_name, User.username)).scalars()
        return [UserRow(u.id, u.username, u.display_name, u.email, u.role, u.organisation_id, u.organisation.name,
                        u.active, u.last_login_at, u.password_change_required,
                        tuple(m for m, _ in served.get(u.id, ())), tuple(n for _, n in served.get(u.id, ())),
                        bool(u.totp_secret))
                for u in users]


def user_choices(uow) -> Choices:
    """Roles, organisations and municipalities for the forms."""
    with uow:
        s = uow.session
        return Choices(dict(ROLE_LABELS),
                       [tuple(r) for r in s.execute(select(Organisation.id, Organisation.name)
                                                    .order_by(Organisation.name))],
                       [tuple(r) for r in s.execute(select(Municipality.id, Municipality.name)
                                                    .order_by(Municipality.name))])


def update_user(uow, actor: Actor, user_id: int, display_name: str, email: str | None, role: str,
                organisation_id: int, municipality_ids: list[int]) -> None:
    """Change a user's name, e-mail, role, organisation and municipalities served; the event lists before → after."""
    require_user_admin(actor)
    errors = {}
    if role not in ROLE_LABELS:
        errors["role"] = "Unbekannte Rolle."
    if not (display_name or "").strip():
        errors["display_name"] = "Bitte einen Namen angeben."
    with uow:
        user = _user(uow, user_id)
        if uow.session.get(Organisation, organisation_id) is None:
            errors["organisation_id"] = "Diese Organisation gibt es nicht."
        wanted = sorted(set(municipality_ids))
        known = set(uow.session.execute(select(Municipality.id).where(Municipality.id.in_(wanted))).scalars())
        if known != set(wanted):
            errors["municipality_ids"] = "Unbekannte Kommune."
        if user.id == actor.id and role != "admin":
            errors["role"] = "Die eigene Administrationsrolle kann man sich nicht selbst entziehen."
        if errors:
            raise InvalidInput("Der Benutzer konnte nicht geändert werden.", errors)
        before = _snapshot(uow, user)
        user.display_name, user.email, user.role = display_name.strip(), (email or "").strip() or None, role
        user.organisation_id = organisation_id
        uow.session.execute(delete(UserMunicipality).where(UserMunicipality.user_id == user.id))
        uow.session.add_all(UserMunicipality(user_id=user.id, municipality_id=m) for m in wanted)
        uow.session.flush()
        after = _snapshot(uow, user)
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changed:
            record_event(uow, "user_changed", actor.id, username=user.username, changes=changed)
        uow.commit()


def set_user_active(uow, actor: Actor, user_id: int, active: bool) -> None:
    """Deactivate (refused at once, also in a running session) or reactivate a user."""
    require_user_admin(actor)
    with uow:
        user = _user(uow, user_id)
        if user.id == actor.id and not active:
            raise InvalidInput("Das eigene Konto kann man nicht deaktivieren.", {})
        if user.active != active:
            user.active = active
            record_event(uow, "user_reactivated" if active else "user_deactivated", actor.id,
                         username=user.username)
        uow.commit()


def reset_password(uow, actor: Actor, user_id: int, new_password: str) -> None:
    """Set a temporary password; the user must choose their own at the next sign-in."""
    require_user_admin(actor)
    with uow:
        username = _user(uow, user_id).username
    if problem := password_problem(new_password, username):
        raise InvalidInput("Das Passwort wurde nicht zurückgesetzt.", {"password": problem})
    password_hash = hash_password(new_password)  # outside the transaction: argon2 is slow
    with uow:
        user = _user(uow, user_id)
        user.password_hash, user.password_change_required = password_hash, True
        record_event(uow, "password_reset", actor.id, username=user.username)
        uow.commit()


def _user(uow, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound("Diesen Benutzer gibt es nicht.")
    return user


def _snapshot(uow, user: User) -> dict:
    served = sorted(uow.session.execute(select(Municipality.name).join(
        UserMunicipality, UserMunicipality.municipality_id == Municipality.id)
        .where(UserMunicipality.user_id == user.id)).scalars())
    org = uow.session.get(Organisation, user.organisation_id)
    return {"display_name": user.display_name, "email": user.email, "role": user.role,
            "organisation": org.name if org else None, "municipalities": served}
