"""Sign-in through the municipality's identity provider (OpenID Connect): verified claims in, an actor out.

The web adapter talks to the provider and hands over the verified claims; this module maps them to a user —
username, role from groups, organisation, municipalities served — and either updates the known user (the
provider is authoritative for what it sends) or creates one just in time, as the installation chooses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select

from engine.base import ROLE_LABELS, Actor, record_event
from engine.db import Municipality, Organisation, User, UserMunicipality
from engine.errors import Forbidden

from .users import USERNAME, actor_of

# A hash no password ever matches: users of the identity provider cannot sign in with a local password.
NO_LOCAL_PASSWORD = "!sso"
# When groups map to several roles, the widest one wins.
ROLE_ORDER = ("admin", "privacy", "compliance", "supervisor", "caseworker")
UNKNOWN_USER = "Ihr Konto ist in Integraflow nicht freigeschaltet. Bitte wenden Sie sich an die Administration."


@dataclass(frozen=True)
class ClaimMapping:
    """Which claims carry what, and which group means which role."""

    username_claim: str = "preferred_username"
    groups_claim: str = "groups"
    organisation_claim: str = "organisation"
    municipalities_claim: str = "municipalities"
    name_claim: str = "name"
    email_claim: str = "email"
    role_map: dict[str, str] = field(default_factory=dict)
    create_users: bool = False

    @classmethod
    def parse_role_map(cls, text: str) -> dict[str, str]:
        """`group=role, group2=role` → {group: role} (unknown roles are dropped)."""
        pairs = (item.split("=", 1) for item in (text or "").split(",") if "=" in item)
        return {g.strip(): r.strip() for g, r in pairs if r.strip() in ROLE_LABELS}


@dataclass(frozen=True)
class _Mapped:
    username: str
    display_name: str
    email: str | None
    role: str | None
    organisation: str | None
    municipalities: tuple[str, ...]


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def map_claims(claims: dict, mapping: ClaimMapping) -> _Mapped:
    """The user the claims describe (role None: no group maps to a role)."""
    username = str(claims.get(mapping.username_claim) or "").strip().lower()
    if not USERNAME.match(username):
        raise Forbidden("Der Identitätsanbieter hat keinen gültigen Benutzernamen übermittelt.")
    roles = {mapping.role_map[g] for g in _as_list(claims.get(mapping.groups_claim)) if g in mapping.role_map}
    role = next((r for r in ROLE_ORDER if r in roles), None)
    organisation = claims.get(mapping.organisation_claim)
    return _Mapped(username, str(claims.get(mapping.name_claim) or username), claims.get(mapping.email_claim),
                   role, str(organisation) if organisation else None,
                   tuple(sorted(_as_list(claims.get(mapping.municipalities_claim)))))


def sign_in_external(uow, claims: dict, mapping: ClaimMapping, source: str = "oidc") -> Actor:
    """Sign in the user the provider vouches for; refused when unknown (and not created) or deactivated."""
    wanted = map_claims(claims, mapping)
    with uow:
        s = uow.session
        user = s.execute(select(User).where(User.username == wanted.username)).scalar_one_or_none()
        org = (s.execute(select(Organisation).where(Organisation.name == wanted.organisation)).scalar_one_or_none()
               if wanted.organisation else None)
        if user is None:
            if not mapping.create_users or wanted.role is None or org is None:
                record_event(uow, "login_failed", None, username=wanted.username, source=source)
                uow.commit()
                raise Forbidden(UNKNOWN_USER)
            user = User(username=wanted.username, display_name=wanted.display_name, email=wanted.email,
                        role=wanted.role, organisation_id=org.id, password_hash=NO_LOCAL_PASSWORD, active=True,
                        created_at=uow.clock.now())
            s.add(user)
            s.flush()
            record_event(uow, "user_created", None, username=user.username, role=user.role,
                         organisation=org.name, source=source)
        elif not user.active:
            record_event(uow, "login_failed", None, username=wanted.username, source=source)
            uow.commit()
            raise Forbidden("Ihr Konto ist deaktiviert.")
        else:
            _sync(uow, user, wanted, org, source)
        _serve(uow, user, wanted.municipalities)
        user.last_login_at = uow.clock.now()
        record_event(uow, "login", user.id, username=user.username, source=source)
        uow.commit()
        return actor_of(user)


def _sync(uow, user: User, wanted: _Mapped, org: Organisation | None, source: str) -> None:
    # What the provider sends wins; what it does not send stays as the administration set it.
    changes = {}
    if wanted.role and wanted.role != user.role:
        changes["role"], user.role = [user.role, wanted.role], wanted.role
    if org is not None and org.id != user.organisation_id:
        changes["organisation"], user.organisation_id = [user.organisation.name, org.name], org.id
    if changes:
        record_event(uow, "user_changed", None, username=user.username, changes=changes, source=source)


def _serve(uow, user: User, names: tuple[str, ...]) -> None:
    if not names:
        return
    ids = list(uow.session.execute(select(Municipality.id).where(Municipality.name.in_(names))).scalars())
    uow.session.execute(delete(UserMunicipality).where(UserMunicipality.user_id == user.id))
    uow.session.add_all(UserMunicipality(user_id=user.id, municipality_id=m) for m in ids)
