"""Report test data: one served household driven through the real journey (shared by the report tests)."""
from __future__ import annotations

from werkzeug.datastructures import MultiDict

from engine.casework import log_contact
from journey import Driver
from support import intake_form

CONTACT = {"occurred_on": "2026-01-15", "kind": "office", "duration_minutes": "90", "topics": "language"}


def served_household(container, world):
    """A household of three in Astadt with two language goals, one contact, first review done ("partly").

    Returns (driver, case id, the moment just before the review).
    """
    drive = Driver(container)
    raw = intake_form(world.town_a, **{"household-0-name": "Omar Haddad", "household-0-relation": "partner",
                                       "household-1-name": "Lina Haddad", "household-1-relation": "child"})
    case_id = drive.to_review(world.anna, raw, goals=2)
    log_contact(container.uow(), case_id, MultiDict(CONTACT), world.anna)
    before_review = container.clock.now()
    drive.review(world.anna, case_id, status="partly")
    return drive, case_id, before_review


def close_case(drive, world, case_id) -> None:
    """Final review, then closure dated 01.10.2026 with the outcome language certificate."""
    drive.review(world.anna, case_id, status="achieved", next_step="close", date="2026-08-01")
    drive.closure(world.anna, case_id)
