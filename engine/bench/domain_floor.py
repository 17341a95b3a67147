"""The floor plus what every completion of this domain must do as well, timed beside floor and service.

floor+domain: the floor (engine.bench.floor) and, on the same bare driver, what no completion may leave out: read
the case with the open task and the chain head in one SELECT and check the version; validate the submitted form
with its marshmallow schema (parse_submission, as every boundary does); write, besides the floor's rows, the
case's version claim (the guard several workers need), the completed-task row (the proof the state refinances
against) and the chain head's guarded move (the head is shared by all workers). Its tables copy the app's columns
and indexes without foreign keys. What the service spends above this row is the price of its own structure (ORM
session, unit of work, domain effects, decision records, access rules); what lies between floor and this row no
implementation can save.
"""
from __future__ import annotations

import json
from datetime import date

from werkzeug.datastructures import MultiDict

from engine.db import GENESIS, Case, CompletedTask, Event, EventChainHead, OpenTask, WorkflowState, WorkflowTask
from engine.db import WorkflowTaskArchive as Archive
from engine.errors import Conflict, InvalidInput
from engine.forms import parse_submission

from .floor import _STATEMENTS, Floor

_DOMAIN_STATEMENTS = {
    **_STATEMENTS,
    "load": "SELECT c.version, c.municipality_id, c.processing_restricted, t.id, t.form_key, t.assignee_id, h.seq "
            "FROM {p}client_case c CROSS JOIN {p}event_chain_head h "
            "LEFT JOIN {p}open_task t ON t.id = ? AND t.case_id = c.id WHERE c.id = ? AND h.id = 1",
    "claim": "UPDATE {p}client_case SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
    "completed": "INSERT INTO {p}completed_task (id, case_id, process_id, task_spec, title, form_key, step, "
                 "completed_by, completed_at, due_on, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "move_head": "UPDATE {p}event_chain_head SET seq = ?, hash = ? WHERE id = 1 AND seq = ?",
    "head": "INSERT INTO {p}event_chain_head (id, seq, hash) VALUES (1, 0, ?)",
    "new_case": "INSERT INTO {p}client_case (id, reference, client_id, municipality_id, organisation_id, "
                "definition_id, status, phase, intake_date, eligible, eligibility_reason, opened_at, updated_at, "
                "version, processing_restricted) VALUES (?, ?, ?, 1, 1, 1, 'open', 'intake', ?, ?, '', ?, ?, 1, ?)",
}


class DomainFloor(Floor):
    """The floor with the domain's unavoidable read, form validation and rows (see the module docstring)."""

    name = "floor+domain"
    TABLES = (WorkflowState, WorkflowTask, Archive, OpenTask, Event, Case, CompletedTask, EventChainHead)
    STATEMENTS = _DOMAIN_STATEMENTS

    def __init__(self, engine, start: dict, opening: list[dict], steps: list[dict], posts: list[dict], forms,
                 today: date):
        """`posts`: the form posts of the timed steps (as the service receives them); `forms`: form key → form."""
        super().__init__(engine, start, opening, steps)
        self.posts, self.forms, self.today, self._step = posts, forms, today, 0
        self._run(lambda cur: cur.execute(self.sql["head"], (GENESIS,)))

    def _opened(self, cur, case_id: str, now, event: tuple) -> None:
        self._step = 0
        day = self.today if not self.sqlite else self.today.isoformat()
        cur.execute(self.sql["new_case"], (case_id, case_id[:20], case_id, day, True, self._time(now),
                                           self._time(now), False))
        cur.execute(self.sql["move_head"], (event[0], event[8], self.seq))

    def _before(self, case_id: str, version: int, task):
        cur = self.conn.cursor()
        try:
            cur.execute(self.sql["load"], (task.id, case_id))
            row = cur.fetchone()
        finally:
            cur.close()
        if row is None or row[0] != version or row[3] is None or row[2]:
            raise Conflict(f"floor+domain: case {case_id} not at version {version} or task gone")
        post = self.posts[self._step % len(self.posts)]
        self._step += 1
        result = parse_submission(self.forms(row[4]), MultiDict(post), self.today)
        if not result.ok:
            raise InvalidInput(f"floor+domain: the recorded post does not validate: {result.errors}")
        return row[6]  # the chain head's seq as read: the guarded move's expectation

    def _written(self, cur, case_id: str, version: int, task, checked, now, data: dict, event: tuple) -> None:
        stamp = self._time(now)
        cur.execute(self.sql["claim"], (stamp, case_id, version))
        if cur.rowcount != 1:
            raise Conflict(f"floor+domain: version conflict on {case_id}")
        cur.execute(self.sql["completed"], (task.id, case_id, case_id, task.spec_name, task.title, task.form_key,
                                            task.step, 1, stamp, task.due_on, json.dumps(data)))
        cur.execute(self.sql["move_head"], (event[0], event[8], checked))
        if cur.rowcount != 1:
            raise Conflict("floor+domain: the chain head moved")
