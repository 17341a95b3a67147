"""Sign-in against the municipality's LDAP / Active Directory (ldap3): bind as the user, read their groups and
attributes, and map them like single sign-on's claims (role from groups, organisation, municipalities).
"""
from __future__ import annotations

from dataclasses import dataclass

from engine.base import Actor

from .login_guard import LoginLocked, LoginPolicy, lock_of
from .single_sign_on import ClaimMapping, sign_in_external
from .users import USERNAME


@dataclass(frozen=True)
class DirectorySettings:
    """Where the directory is and how people and groups are found in it."""

    url: str
    base_dn: str
    user_filter: str = "(uid={username})"      # Active Directory: (sAMAccountName={username})
    bind_dn: str | None = None                 # a service account for the search; None: anonymous search
    bind_password: str | None = None
    group_attribute: str = "memberOf"          # group DNs on the user entry; else groupOfNames are searched
    organisation_attribute: str = "o"
    municipalities_attribute: str = "l"
    timeout: int = 5


def _first(entry: dict, name: str):
    value = entry.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _group_names(conn, settings: DirectorySettings, dn: str, entry: dict) -> list[str]:
    from ldap3 import SUBTREE
    from ldap3.utils.conv import escape_filter_chars

    dns = [str(g) for g in entry.get(settings.group_attribute) or []]
    if not dns:  # a directory without memberOf (plain OpenLDAP): look for groups naming the user as member
        conn.search(settings.base_dn, f"(&(objectClass=groupOfNames)(member={escape_filter_chars(dn)}))",
                    SUBTREE, attributes=["cn"])
        return [str(_first(e.entry_attributes_as_dict, "cn")) for e in conn.entries]
    # A group is named by its first RDN's value (cn=if-team,ou=groups,… → if-team) or by the whole DN.
    return [n for g in dns for n in (g, g.split(",", 1)[0].split("=", 1)[-1])]


def directory_claims(settings: DirectorySettings, username: str, password: str) -> dict | None:
    """The user's claims when the directory accepts their password; None when it does not (or knows no one)."""
    # Imported here: only installations with a directory load the LDAP client.
    from ldap3 import ALL_ATTRIBUTES, SUBTREE, Connection, Server
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.conv import escape_filter_chars

    name = (username or "").strip().lower()
    if not USERNAME.match(name) or not password:
        return None  # an empty password would be an anonymous bind, which "succeeds"
    server = Server(settings.url, connect_timeout=settings.timeout)
    try:
        with Connection(server, settings.bind_dn, settings.bind_password, auto_bind=True,
                        receive_timeout=settings.timeout) as search:
            search.search(settings.base_dn, settings.user_filter.format(username=escape_filter_chars(name)),
                          SUBTREE, attributes=ALL_ATTRIBUTES)
            if len(search.entries) != 1:
                return None
            dn, entry = search.entries[0].entry_dn, search.entries[0].entry_attributes_as_dict
            with Connection(server, dn, password, receive_timeout=settings.timeout) as user_conn:
                if not user_conn.bind():
                    return None
            groups = _group_names(search, settings, dn, entry)
    except LDAPException:
        return None
    municipalities = entry.get(settings.municipalities_attribute) or []
    return {"preferred_username": name, "name": _first(entry, "cn") or name, "email": _first(entry, "mail"),
            "groups": groups, "organisation": _first(entry, settings.organisation_attribute),
            "municipalities": [str(m) for m in municipalities]}


def authenticate_directory(uow, settings: DirectorySettings, mapping: ClaimMapping, username: str, password: str,
                           client_ip: str = "unbekannt", policy: LoginPolicy | None = None) -> Actor | None:
    """Sign in through the directory; None when it refuses the password (the caller falls back to local
    passwords, which also counts the failure). Raises LoginLocked while the username or address is locked."""
    policy = policy or LoginPolicy()
    with uow:
        until = lock_of(uow, policy, (username or "").strip().lower()[:80], (client_ip or "unbekannt")[:64])
        now = uow.clock.now()
    if until is not None:
        raise LoginLocked(until, now)
    claims = directory_claims(settings, username, password)
    if claims is None:
        return None
    return sign_in_external(uow, claims, mapping, source="ldap")
