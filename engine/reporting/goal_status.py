"""Each goal's status as it was recorded at the as-of time, as one set-based selectable.

The goal table holds the current status and when the goal last changed. A goal unchanged since the as-of time
takes its status from there; for the few changed later, the status comes from the newest target agreement,
review or closure submitted up to the as-of time (completed_task.data, immutable): the goals inside it are
unpacked with the database's JSON table function (jsonb_array_elements on PostgreSQL, json_each on SQLite).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case as sql_case
from sqlalchemy import func, literal_column, select, true, union_all

from engine.db import CompletedTask, Goal

GOAL_STEPS = ("target_agreement", "review", "closure")


def goal_states(dialect: str, as_of: datetime):
    """Subquery (goal_id, status) of every goal that existed at `as_of`, with its status then."""
    current = select(Goal.id.label("goal_id"), Goal.status.label("status")).where(Goal.updated_at <= as_of)
    ranked = _history(dialect, as_of).subquery("ranked")
    earlier = (select(ranked.c.goal_id, ranked.c.status)
               .join(Goal, Goal.id == ranked.c.goal_id)
               .where(ranked.c.rn == 1, Goal.updated_at > as_of))
    return union_all(current, earlier).subquery("goal_state")


def _history(dialect: str, as_of: datetime):
    """Goal rows of the plan forms submitted up to `as_of` for cases with goals changed later, newest first."""
    ct = CompletedTask
    if dialect == "postgresql":
        rows = sql_case((ct.step == "closure", ct.data["final_goals"]), else_=ct.data["goals"])
        elem = func.jsonb_array_elements(rows).table_valued("value").alias("elem")
        goal_id = elem.c.value.op("->>")(literal_column("'goal_id'"))
        final_status = elem.c.value.op("->>")(literal_column("'final_status'"))
        status = elem.c.value.op("->>")(literal_column("'status'"))
    else:
        path = sql_case((ct.step == "closure", "$.final_goals"), else_="$.goals")
        elem = func.json_each(ct.data, path).table_valued("value").alias("elem")
        goal_id = func.json_extract(elem.c.value, "$.goal_id")
        final_status = func.json_extract(elem.c.value, "$.final_status")
        status = func.json_extract(elem.c.value, "$.status")
    # Same timestamp (one request, or a frozen test clock): the later step of the journey wins.
    step = sql_case((ct.step == "closure", 3), (ct.step == "review", 2), else_=1)
    changed_cases = select(Goal.case_id).where(Goal.updated_at > as_of)
    return (select(goal_id.label("goal_id"),
                   func.coalesce(func.nullif(final_status, ""), status).label("status"),
                   func.row_number().over(partition_by=goal_id,
                                          order_by=(ct.completed_at.desc(), step.desc())).label("rn"))
            .select_from(ct).join(elem, true())
            .where(ct.step.in_(GOAL_STEPS), ct.completed_at <= as_of, ct.case_id.in_(changed_cases)))
