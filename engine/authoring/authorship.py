"""What drafts and deploys of definitions and forms share: who may author, refusals with problems, conflicts."""
from __future__ import annotations

from engine.base import Actor
from engine.clock import BERLIN
from engine.db import User
from engine.errors import Conflict, Forbidden, InvalidInput

AUTHORS = frozenset({"supervisor", "admin"})
MAX_COMMENT = 2000


class Refused(InvalidInput):
    """A save or deploy refused for reasons listed as lint problems (each with its element id)."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


def require_author(actor: Actor) -> None:
    """Only supervisors and admins change process definitions and forms."""
    if actor.role not in AUTHORS:
        raise Forbidden("Prozesse und Formulare dürfen nur Teamleitungen und die Administration ändern.")


def required_comment(comment: str | None) -> str:
    """The trimmed deploy comment; a deploy without one is refused."""
    comment = (comment or "").strip()
    if not comment:
        raise InvalidInput("Bitte beschreiben Sie im Kommentar, was sich ändert.",
                           {"comment": "Ein Kommentar ist erforderlich."})
    return comment[:MAX_COMMENT]


def draft_conflict(uow, draft) -> Conflict:
    """The 409 for a draft someone else saved (or deployed/discarded) since the editor was opened."""
    if draft is None:
        return Conflict("Der Entwurf wurde inzwischen bereitgestellt oder verworfen. Ihre Änderungen sind noch im "
                        "Editor: bitte herunterladen, die Seite neu laden und die Datei wieder hochladen.")
    who = uow.session.get(User, draft.updated_by) if draft.updated_by else None
    name = who.display_name if who else "einer anderen Person"
    when = draft.updated_at.astimezone(BERLIN).strftime("%d.%m.%Y um %H:%M")
    return Conflict(f"Der Entwurf wurde inzwischen von {name} am {when} Uhr gespeichert. Ihre Änderungen "
                    "sind noch im Editor: bitte herunterladen, die "
                    "Seite neu laden und die Änderungen übernehmen.")


def parse_expected(value) -> int | None:
    """The draft version the editor was opened with ('' or None: there was no draft)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput("Die Entwurfsversion ist ungültig. Bitte laden Sie die Seite neu.") from None
