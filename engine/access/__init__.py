"""Who works with Integraflow and on what: users and sign-in, the sign-in guard, password rules, the second
factor (TOTP), single sign-on (OpenID Connect claims to users), LDAP / Active Directory sign-in, user
administration (roles, organisations, municipalities served, deactivation, password reset), personal API
access tokens, and case handover between caseworkers and organisations.
"""
from .directory import DirectorySettings, authenticate_directory
from .handover import execute_handover, hand_over_case, prepare_handover
from .handover_rules import HandoverRequest, handover_choices, handover_preview, read_only_days, set_read_only_days
from .login_guard import LoginLocked, LoginPolicy
from .organisations import (
    ORGANISATION_KINDS,
    create_municipality,
    create_organisation,
    organisation_overview,
    record_delegation,
)
from .password_policy import password_problem
from .second_factor import (
    enrol_totp,
    has_totp,
    new_totp_secret,
    remove_totp,
    totp_required,
    totp_uri,
    verify_totp,
)
from .single_sign_on import ClaimMapping, sign_in_external
from .tokens import SCOPE_LABELS, SCOPES, IssuedToken, TokenUse, create_token, revoke_token, tokens_of, use_token
from .user_admin import (
    Choices,
    UserRow,
    list_users,
    require_user_admin,
    reset_password,
    set_user_active,
    update_user,
    user_choices,
)
from .users import (
    actor_of,
    authenticate,
    change_own_password,
    create_user,
    hash_password,
    load_actor,
    load_session_user,
)

__all__ = [
    "actor_of", "authenticate", "authenticate_directory", "change_own_password", "Choices", "ClaimMapping",
    "create_municipality", "create_organisation", "create_token", "create_user", "DirectorySettings", "enrol_totp",
    "execute_handover", "hand_over_case", "handover_choices", "handover_preview", "HandoverRequest", "has_totp",
    "hash_password", "IssuedToken", "list_users", "load_actor", "load_session_user", "LoginLocked", "LoginPolicy",
    "new_totp_secret", "ORGANISATION_KINDS", "organisation_overview", "password_problem", "prepare_handover",
    "read_only_days", "record_delegation", "remove_totp", "require_user_admin", "reset_password", "revoke_token",
    "SCOPE_LABELS", "SCOPES", "set_read_only_days", "set_user_active", "sign_in_external", "tokens_of", "TokenUse",
    "totp_required", "totp_uri", "update_user", "use_token", "user_choices", "UserRow", "verify_totp"
]
