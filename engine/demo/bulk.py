"""Bulk copies of cases for load tests and benchmarks: many realistic cases without driving each one.

A template case is copied with everything that belongs to it (client, household, case, its journey process with
workflow state, live and archived workflow tasks, open and completed tasks, plan, contacts, notes, events) under
new ids — SpiffWorkflow task ids included, since open tasks and the workflow's own tree refer to them. Copies keep the
template's dates, organisation, municipality and caseworker; only names and references differ.
"""
from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy import insert, select

from engine.base import append_events
from engine.db import (
    AssessmentArea,
    Case,
    CaseProcess,
    Client,
    CompletedTask,
    Contact,
    Event,
    Goal,
    HouseholdMember,
    Note,
    OpenTask,
    WorkflowState,
    WorkflowTask,
    WorkflowTaskArchive,
)

# Per-case tables with integer ids the database assigns; the copy drops the id.
_NUMBERED = (AssessmentArea, Contact, Note)


class _Template:
    """All rows of one case, read once."""

    def __init__(self, conn, case_id: str, with_tasks: bool):
        self.case = _rows(conn, Case, id=case_id)[0]
        self.client = _rows(conn, Client, id=self.case["client_id"])[0]
        self.household = _rows(conn, HouseholdMember, client_id=self.client["id"])
        # Only the journey is copied (its process id is the case id).
        self.process = _rows(conn, CaseProcess, id=case_id)[0]
        self.state = _rows(conn, WorkflowState, process_id=case_id)[0]
        self.tasks = _rows(conn, WorkflowTask, process_id=case_id)
        self.archive = _rows(conn, WorkflowTaskArchive, process_id=case_id) if with_tasks else []
        self.open_tasks = _rows(conn, OpenTask, process_id=case_id) if with_tasks else []
        self.completed = _rows(conn, CompletedTask, case_id=case_id) if with_tasks else []
        self.goals = _rows(conn, Goal, case_id=case_id) if with_tasks else []
        self.numbered = {model: _rows(conn, model, case_id=case_id) for model in _NUMBERED} if with_tasks else {}
        self.events = _rows(conn, Event, case_id=case_id) if with_tasks else []
        self.with_tasks = with_tasks

    def copy(self, n: int, out: dict, responsible: int | None = None) -> str:
        """Append the rows of copy number n to `out` (table -> rows); returns the new case id.

        `responsible` hands the copy to another caseworker (of the same organisation): the case and the open
        tasks that were the template caseworker's.
        """
        case_id, client_id = str(uuid.uuid4()), str(uuid.uuid4())
        before = self.case["responsible_user_id"]
        responsible = responsible or before
        ids = {t["task_id"]: str(uuid.uuid4()) for t in self.tasks + self.archive}
        out[Client].append({**self.client, "id": client_id, "last_name": f"{self.client['last_name']}-{n}"})
        out[HouseholdMember] += [{**_without_id(m), "client_id": client_id} for m in self.household]
        out[Case].append({**self.case, "id": case_id, "client_id": client_id, "responsible_user_id": responsible,
                          "reference": f"X{n:07d}-{case_id[:8]}"})
        header = dict(self.state["header"], root=ids[self.state["header"]["root"]],
                      last_task=ids.get(self.state["header"]["last_task"]))
        out[CaseProcess].append({**self.process, "id": case_id, "case_id": case_id})
        out[WorkflowState].append({**self.state, "process_id": case_id, "case_id": case_id, "header": header})
        if not self.with_tasks:
            return case_id
        out[WorkflowTask] += [{"process_id": case_id, "task_id": ids[t["task_id"]],
                               "payload": _renamed(t["payload"], ids)} for t in self.tasks]
        out[WorkflowTaskArchive] += [{**t, "process_id": case_id, "task_id": ids[t["task_id"]],
                                      "payload": _renamed(t["payload"], ids)} for t in self.archive]
        out[OpenTask] += [{**t, "case_id": case_id, "process_id": case_id, "id": ids[t["id"]],
                           "assignee_id": responsible if t["assignee_id"] == before else t["assignee_id"]}
                          for t in self.open_tasks]
        out[CompletedTask] += [{**t, "case_id": case_id, "process_id": case_id if t["process_id"] else None,
                                "id": ids.get(t["id"]) or str(uuid.uuid4())} for t in self.completed]
        out[Goal] += [{**g, "case_id": case_id, "id": str(uuid.uuid4())} for g in self.goals]
        for model, rows in self.numbered.items():
            out[model] += [{**_without_id(r), "case_id": case_id} for r in rows]
        out[Event] += [{**_without_id(e), "case_id": case_id} for e in self.events]
        return case_id


def clone_cases(container, case_ids: list[str], copies: int, batch: int = 500, with_tasks: bool = True,
                echo=None, limit: int | None = None, caseworkers: dict[int, list[int]] | None = None) -> list[str]:
    """Insert `copies` copies of each template case (at most `limit` in all), committing every `batch` copies.

    Returns the new case ids. `with_tasks=False` copies only client, case and workflow header (enough for
    idle-sweep scale). `caseworkers` (template caseworker -> colleagues) spreads the copies over colleagues.
    """
    with container.reader() as reader:
        templates = [_Template(reader.session.connection(), case_id, with_tasks) for case_id in case_ids]
    plan = [(template, n) for n in range(copies) for template in templates][:limit]
    new_ids: list[str] = []
    for start in range(0, len(plan), batch):
        out: dict = defaultdict(list)
        for offset, (template, _copy) in enumerate(plan[start:start + batch]):
            pool = (caseworkers or {}).get(template.case["responsible_user_id"])
            n = start + offset
            new_ids.append(template.copy(n, out, pool[n % len(pool)] if pool else None))
        uow = container.uow()
        with uow:
            conn = uow.session.connection()
            for model in (Client, HouseholdMember, Case, CaseProcess, WorkflowState, WorkflowTask, WorkflowTaskArchive,
                          OpenTask, CompletedTask, Goal, *_NUMBERED):
                if out[model]:
                    conn.execute(insert(model.__table__), out[model])
            if out[Event]:
                append_events(conn, out[Event])  # copies join the hash chain as new links
            uow.commit()
        if echo:
            echo(len(new_ids))
    return new_ids


def clone_case(container, case_id: str, copies: int, batch: int = 1000, with_tasks: bool = True) -> list[str]:
    """Insert `copies` copies of one case; returns the new case ids."""
    return clone_cases(container, [case_id], copies, batch=batch, with_tasks=with_tasks)


def _rows(conn, model, **where) -> list[dict]:
    table = model.__table__
    stmt = select(table)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    return [dict(row._mapping) for row in conn.execute(stmt.order_by(*table.primary_key.columns))]


def _without_id(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "id"}


def _renamed(payload: dict, ids: dict[str, str]) -> dict:
    return {**payload, "id": ids[payload["id"]], "parent": ids.get(payload["parent"]),
            "children": [ids[c] for c in payload["children"]]}
