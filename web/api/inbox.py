"""The inbox in the API: the person's deadline reminders, marking them read."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.errors import NotFound
from engine.time import inbox, mark_all_read, mark_read

from ..deps import actor, reader, uow
from .schemas import Done

bp = Blueprint("api_inbox", __name__, url_prefix="/api/v1", description="Benachrichtigungen (Fristen)")
MAX_ID = 2**31 - 1


class InboxArgs(Schema):
    """Which reminders to list."""

    class Meta:
        unknown = EXCLUDE

    show = fields.String(load_default="all", validate=validate.OneOf(["all", "unread"]))


class Reminder(Schema):
    """One reminder."""

    id = fields.Integer()
    case_id = fields.String()
    reference = fields.String()
    client_name = fields.String()
    kind = fields.String()
    stage = fields.String()
    title = fields.String()
    due_on = fields.Date()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class ReadAnswer(Schema):
    """The case a reminder that was marked read concerns."""

    case_id = fields.String()


@bp.route("/inbox")
@bp.arguments(InboxArgs, location="query")
@bp.response(200, Reminder(many=True))
def index(args):
    """The person's reminders, unread first (`show=unread` for the unread ones only)."""
    with reader() as r:
        return inbox(r, actor(), only_unread=args["show"] == "unread")


@bp.route("/inbox/<int:reminder_id>/read", methods=["POST"])
@bp.response(200, ReadAnswer)
def read(reminder_id: int):
    """Mark one reminder read; answers its case id."""
    if not 1 <= reminder_id <= MAX_ID:
        raise NotFound("Die Benachrichtigung wurde nicht gefunden.")
    return {"case_id": mark_read(uow(), actor(), reminder_id)}


@bp.route("/inbox/read-all", methods=["POST"])
@bp.response(200, Done)
def read_all():
    """Mark every reminder read."""
    mark_all_read(uow(), actor())
    return {"message": "Alle Benachrichtigungen sind als gelesen markiert."}
