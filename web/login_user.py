"""The Flask-Login user object and where a fresh sign-in may go next (shared by password and second factor)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for
from flask_login import UserMixin

from engine.base import Actor


class LoginUser(UserMixin):
    """Flask-Login wrapper around an engine Actor, with what the session must do first."""

    def __init__(self, actor: Actor, must_change_password: bool = False, must_set_up_totp: bool = False):
        self.actor = actor
        self.id = str(actor.id)
        self.must_change_password = must_change_password
        self.must_set_up_totp = must_set_up_totp


def safe_next(target: str) -> str:
    """The `next` address if it stays on this site, else the worklist."""
    if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return url_for("worklist.index")
    return target
