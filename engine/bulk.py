"""Bulk copies of a case for load tests and benchmarks: many realistic cases without driving each one.

A template case is copied row by row (client, case, workflow state and tasks, open tasks) with new ids,
SpiffWorkflow task ids included (open tasks are keyed by them).
"""
from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from .db import Case, Client, OpenTask, WorkflowState, WorkflowTask


def _rows(conn, table, **where):
    stmt = select(table)
    for column, value in where.items():
        stmt = stmt.where(table.c[column] == value)
    return [dict(row._mapping) for row in conn.execute(stmt)]


def _renamed(payload: dict, ids: dict[str, str]) -> dict:
    return {**payload, "id": ids[payload["id"]], "parent": ids.get(payload["parent"]),
            "children": [ids[c] for c in payload["children"]]}


def clone_case(container, case_id: str, copies: int, batch: int = 1000, with_tasks: bool = True) -> list[str]:
    """Insert `copies` copies of a case (new client, case, references); returns the new case ids.

    `with_tasks=False` copies only the case and workflow header (enough for read-path and idle-sweep scale).
    """
    new_ids: list[str] = []
    uow = container.uow()
    with uow:
        conn = uow.session.connection()
        case = _rows(conn, Case.__table__, id=case_id)[0]
        client = _rows(conn, Client.__table__, id=case["client_id"])[0]
        state = _rows(conn, WorkflowState.__table__, case_id=case_id)[0]
        tasks = _rows(conn, WorkflowTask.__table__, case_id=case_id)
        open_tasks = _rows(conn, OpenTask.__table__, case_id=case_id) if with_tasks else []
        for start in range(0, copies, batch):
            cases, clients, states, task_rows, open_rows = [], [], [], [], []
            for n in range(start, min(start + batch, copies)):
                cid, kid = str(uuid.uuid4()), str(uuid.uuid4())
                new_ids.append(cid)
                clients.append({**client, "id": kid, "last_name": f"{client['last_name']}-{n}"})
                cases.append({**case, "id": cid, "client_id": kid, "reference": f"X{n:07d}-{cid[:8]}"})
                ids = {t["task_id"]: str(uuid.uuid4()) for t in tasks}
                header = dict(state["header"], root=ids[state["header"]["root"]],
                              last_task=ids.get(state["header"]["last_task"]))
                states.append({**state, "case_id": cid, "header": header})
                if with_tasks:
                    task_rows += [{"case_id": cid, "task_id": ids[t["task_id"]],
                                   "payload": _renamed(t["payload"], ids)} for t in tasks]
                open_rows += [{**t, "case_id": cid, "id": ids[t["id"]]} for t in open_tasks]
            conn.execute(insert(Client.__table__), clients)
            conn.execute(insert(Case.__table__), cases)
            conn.execute(insert(WorkflowState.__table__), states)
            if task_rows:
                conn.execute(insert(WorkflowTask.__table__), task_rows)
            if open_rows:
                conn.execute(insert(OpenTask.__table__), open_rows)
        uow.commit()
    return new_ids
