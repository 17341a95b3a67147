"""The inbox: deadline reminders, the bell's unread count, opening a reminder's case marks it read."""
from __future__ import annotations

import logging
import re

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import NotFound
from engine.time import inbox, mark_all_read, mark_read, unread_count

from .deps import actor, reader, uow
from .schemas import load_args

bp = Blueprint("inbox", __name__)
log = logging.getLogger("integraflow.web")
_DIGITS = re.compile(r"[0-9]{1,10}")


class InboxQuery(Schema):
    """Which reminders to list."""

    class Meta:
        unknown = EXCLUDE

    show = fields.String(load_default="all", validate=validate.OneOf(["all", "unread"]))


class ReminderId(Schema):
    """A reminder id from the URL."""

    id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))


@bp.app_context_processor
def _bell() -> dict:
    """`unread_reminders` for the bell in the header (0 when nobody is signed in)."""
    if not current_user.is_authenticated:
        return {"unread_reminders": 0}
    if "unread_reminders" not in g:
        try:
            with reader() as r:
                g.unread_reminders = unread_count(r, actor())
        except SQLAlchemyError:
            # The error page renders through here too: a database failure must not take the page down with it.
            log.exception("unread reminder count failed")
            g.unread_reminders = 0
    return {"unread_reminders": g.unread_reminders}


@bp.route("/inbox")
@login_required
def index():
    """The list of reminders, unread first."""
    args = load_args(InboxQuery(), request.args)
    with reader() as r:
        items = inbox(r, actor(), only_unread=args["show"] == "unread")
    return render_template("inbox/index.html", items=items, show=args["show"])


@bp.route("/inbox/<reminder_id>/read", methods=["POST"])
@login_required
def read(reminder_id: str):
    """Mark a reminder read and open its case."""
    case_id = mark_read(uow(), actor(), _reminder_id(reminder_id))
    return redirect(url_for("cases.detail", case_id=case_id))


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every reminder read."""
    mark_all_read(uow(), actor())
    flash("Alle Benachrichtigungen sind als gelesen markiert.", "success")
    return redirect(url_for(".index"))


def _reminder_id(raw: str) -> int:
    # Only plain ASCII digits: int() would also take "+5", " 5" or "٣".
    try:
        if not _DIGITS.fullmatch(raw):
            raise ValidationError("not a number")
        return ReminderId().load({"id": int(raw)})["id"]
    except ValidationError:
        raise NotFound("Die Benachrichtigung wurde nicht gefunden.") from None
