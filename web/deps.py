"""Per-request access to the container and the current actor (the views' only way into engine/)."""
from __future__ import annotations

from flask import current_app
from flask_login import current_user

from engine.base import Actor
from engine.bootstrap import Container


def container() -> Container:
    """The composition root built by create_app."""
    return current_app.extensions["integraflow"]


def actor() -> Actor:
    """The logged-in user as an engine Actor."""
    return current_user.actor


def uow():
    """A writing unit of work for one service call."""
    return container().uow()


def reader():
    """A read-only unit of work, entered by the caller (`with reader() as r:`)."""
    return container().reader()
