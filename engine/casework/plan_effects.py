"""What a completed form means for the case's structured records (consent, assessment, goals, closure)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, select

from engine.base import LIFE_AREAS, close_case, record_event
from engine.db import AssessmentArea, Case, Goal, new_id, update_by_key
from engine.errors import InvalidInput
from engine.privacy import add_initial_consent

# Steps whose form works on the case's existing goals (they are loaded once and shared by preparation and effects).
GOAL_STEPS = frozenset({"review", "closure"})
# Steps with effects that query or write the database themselves (the consent record and its id, ending the
# case's processes): that part runs after the completion claimed the case (apply_database_effects). Everything
# else only changes loaded objects and adds new ones, so it is worked out before the lock (apply_effects) and
# written with the claim.
DATABASE_EFFECT_STEPS = frozenset({"consent", "closure"})


@dataclass(eq=False)
class GoalRecord:
    """A goal as a completion reads and changes it: plain data, written back by its changed columns only."""

    id: str
    life_area: str
    title: str
    status: str
    status_reason: str | None
    due_date: date | None
    achieved_on: date | None
    final_evaluation: str | None
    updated_at: datetime | None
    loaded: dict = field(repr=False, default_factory=dict)

    def changes(self) -> dict:
        """The columns changed since loading, with their new values."""
        return {name: getattr(self, name) for name, value in self.loaded.items() if getattr(self, name) != value}


_GOAL_COLUMNS = tuple(name for name in GoalRecord.__dataclass_fields__ if name != "loaded")
# Core, not ORM: a review reads the goals on every completion, and loading ORM objects costs several times more.
_GOALS = select(*(Goal.__table__.c[name] for name in _GOAL_COLUMNS)).where(
    Goal.__table__.c.case_id == bindparam("case_id"))


def goals_of(uow, case: Case) -> dict[str, GoalRecord]:
    """The case's goals by id (loaded once per completion and shared by preparation and effects)."""
    rows = uow.session.connection().execute(_GOALS, {"case_id": case.id}).mappings()
    return {row["id"]: GoalRecord(**row, loaded=dict(row)) for row in rows}


def write_goal_changes(conn, goals: dict[str, GoalRecord]) -> None:
    """Write what the effects changed in the loaded goals (by primary key, changed columns only)."""
    for goal in goals.values():
        changes = goal.changes()
        update_by_key(conn, Goal.__table__, goal.id, changes)
        goal.loaded.update(changes)  # written: a later call writes only what changed after this one


def prepare_data(uow, case: Case, step: str | None, data: dict, known: dict[str, GoalRecord]) -> dict:
    """Turn validated form data into workflow data: goal ids assigned, read-only fields taken from the server."""
    data = dict(data)
    if step == "target_agreement":
        data["goals"] = [{**g, "goal_id": new_id(), "status": "open"} for g in data.get("goals", [])]
    elif step == "review":
        reviewed = []
        for row in data.get("goals", []):
            goal = known.get(row.get("goal_id") or "")
            if goal is None:
                raise InvalidInput("Ein Ziel gehört nicht zu diesem Fall.", {"_form": "Unbekanntes Ziel."})
            reviewed.append({**row, "goal_id": goal.id, "life_area": goal.life_area, "title": goal.title})
        unreviewed = [_goal_dict(g) for g in known.values() if g.id not in {r["goal_id"] for r in reviewed}]
        added = [{**g, "goal_id": new_id(), "status": "open"} for g in data.get("new_goals", [])]
        data["goals"] = reviewed + unreviewed + added
        data["new_goals"] = []
    elif step == "closure":
        rows = []
        for row in data.get("final_goals", []):
            goal = known.get(row.get("goal_id") or "")
            if goal is None:
                raise InvalidInput("Ein Ziel gehört nicht zu diesem Fall.", {"_form": "Unbekanntes Ziel."})
            rows.append({**row, "goal_id": goal.id, "title": goal.title})
        data["final_goals"] = rows
    return data


def _goal_dict(goal: GoalRecord) -> dict:
    return {"goal_id": goal.id, "life_area": goal.life_area, "title": goal.title, "status": goal.status,
            "status_reason": goal.status_reason, "due_date": goal.due_date.isoformat() if goal.due_date else None}


def apply_effects(uow, case: Case, step: str | None, data: dict, actor_id: int, known: dict[str, GoalRecord]) -> None:
    """Project a completed form into the case tables by the step its task declares, and log domain events
    (the in-memory part, before the write lock; see apply_database_effects for the rest)."""
    now = uow.clock.now()
    if step == "consent":
        if data.get("consent_given") == "yes":
            case.consent_date = _d(data.get("consent_date"))
            case.consent_scope = list(data.get("consent_scope") or [])
    elif step == "assessment":
        assessed = _d(data.get("assessment_date"))
        for area in LIFE_AREAS:
            values = data.get(area) or {}
            if any(values.get(k) for k in ("situation", "resources", "needs", "support_needed")):
                uow.session.add(AssessmentArea(case_id=case.id, life_area=area, situation=values.get("situation"),
                                               resources=values.get("resources"), needs=values.get("needs"),
                                               support_needed=bool(values.get("support_needed")),
                                               assessed_on=assessed))
    elif step == "target_agreement":
        case.plan_date = _d(data.get("plan_date"))
        for g in data["goals"]:
            uow.session.add(_new_goal(case, g, case.plan_date, now))
        record_event(uow, "goals_agreed", actor_id, case.id, goals=[g["title"] for g in data["goals"]],
                     signature_date=data.get("signature_date"))
    elif step == "review":
        _apply_review(uow, case, data, now, actor_id, known)


def apply_database_effects(uow, case: Case, step: str | None, data: dict, actor_id: int,
                           known: dict[str, GoalRecord]) -> None:
    """The part of a form's effects that writes or reads the database itself, run after the case was claimed:
    the consent record (its id goes into the event), the closure of the case and its processes."""
    if step == "consent":
        record_id = add_initial_consent(uow, case, data, actor_id)
        record_event(uow, "consent_recorded", actor_id, case.id, given=data.get("consent_given") == "yes",
                     scope=data.get("consent_scope") or [], date=data.get("consent_date"), record_id=record_id)
    elif step == "closure":
        now = uow.clock.now()
        for row in data.get("final_goals", []):
            goal = known[row["goal_id"]]
            goal.status, goal.final_evaluation, goal.updated_at = row.get("final_status"), row.get("evaluation"), now
            if goal.status == "achieved" and goal.achieved_on is None:
                goal.achieved_on = _d(data.get("closure_date"))
        close_case(uow, case, data.get("closure_reason"), _d(data.get("closure_date")), actor_id,
                   outcomes=data.get("outcomes") or [])


def _apply_review(uow, case: Case, data: dict, now, actor_id: int, known: dict[str, GoalRecord]) -> None:
    review_date = _d(data.get("review_date"))
    changes = []
    for row in data["goals"]:
        goal = known.get(row["goal_id"])
        if goal is None:
            uow.session.add(_new_goal(case, row, review_date, now))
            changes.append({"goal": row["title"], "status": "open", "new": True})
            continue
        before = (goal.status, goal.status_reason, goal.due_date)
        goal.status = row.get("status") or goal.status
        goal.status_reason = row.get("status_reason")
        goal.due_date = _d(row.get("due_date")) or goal.due_date
        goal.updated_at = now
        if goal.status == "achieved" and goal.achieved_on is None:
            goal.achieved_on = review_date
        change = _goal_change(goal, *before)
        if change:
            changes.append(change)
    case.plan_date = review_date
    record_event(uow, "goals_reviewed", actor_id, case.id, review_date=data.get("review_date"), changes=changes,
                 next_step=data.get("next_step"))


def _goal_change(goal: GoalRecord, status: str, reason: str | None, due: date | None) -> dict | None:
    # Before -> after of every edited field, for the audit trail ("from"/"to" stay the status, as before).
    change = {"goal": goal.title, "goal_id": goal.id}
    if status != goal.status:
        change.update({"from": status, "to": goal.status})
    if (reason or None) != (goal.status_reason or None):
        change["status_reason"] = {"from": reason, "to": goal.status_reason}
    if due != goal.due_date:
        change["due_date"] = {"from": _iso(due), "to": _iso(goal.due_date)}
    return change if len(change) > 2 else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _new_goal(case: Case, g: dict, agreed_on: date, now) -> Goal:
    return Goal(id=g["goal_id"], case_id=case.id, life_area=g["life_area"], title=g["title"],
                obligations=g.get("obligations") or "", support=g.get("support") or "",
                responsible=g.get("responsible") or "", due_date=_d(g.get("due_date")), status="open",
                agreed_on=agreed_on, updated_at=now)


def _d(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
