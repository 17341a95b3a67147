"""Who works with Integraflow and on what: users and sign-in, the sign-in guard, password rules, personal API
access tokens, and case handover between caseworkers and organisations.
"""
from .handover import execute_handover, hand_over_case, prepare_handover
from .handover_rules import HandoverRequest, handover_choices, handover_preview, read_only_days, set_read_only_days
from .login_guard import LoginLocked, LoginPolicy
from .password_policy import password_problem
from .tokens import SCOPE_LABELS, SCOPES, IssuedToken, TokenUse, create_token, revoke_token, tokens_of, use_token
from .users import actor_of, authenticate, create_user, hash_password, load_actor

__all__ = [
    "actor_of", "authenticate", "create_user", "execute_handover", "hand_over_case", "handover_choices",
    "handover_preview", "HandoverRequest", "hash_password", "load_actor", "LoginLocked", "LoginPolicy",
    "password_problem", "prepare_handover", "read_only_days", "set_read_only_days", "SCOPE_LABELS", "SCOPES",
    "IssuedToken", "TokenUse", "create_token", "revoke_token", "tokens_of", "use_token"
]
