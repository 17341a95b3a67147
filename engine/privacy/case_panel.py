"""What the case page's data-protection card shows: consent records and the people they can be for."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.db import User

from .consent import ConsentLine, consent_lines


@dataclass(frozen=True)
class PrivacyPanel:
    """Consent records of the case and the household members a further consent may name."""

    consents: list[ConsentLine]
    members: list[tuple[int, str]]


def privacy_panel(uow, view) -> PrivacyPanel:
    """The panel for a loaded case view (one more indexed query; staff names from the view's lookup)."""
    case = view.case
    lines = consent_lines(uow, case, view.users)
    missing = {u for line in lines for u in (line.record.recorded_by, line.record.withdrawn_by)
               if u and u not in view.users}
    if missing:
        names = dict(uow.session.execute(select(User.id, User.display_name).where(User.id.in_(missing))).all())
        lines = consent_lines(uow, case, {**view.users, **names})
    return PrivacyPanel(lines, [(m.id, m.name) for m in case.client.household])
