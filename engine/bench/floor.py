"""The physical floor of one durable completion, timed beside bare SpiffWorkflow and the service (`integraflow bench`).

floor: the workflow stays in memory (as in the per-worker instance cache); SpiffWorkflow completes the task with
the data the service itself hands it; the app's delta logic (prepare_save) says what changed; the database driver,
without SQLAlchemy, writes in ONE transaction the changed task rows, the header with a version check, the open-task
projection and one hash-chained event (chain head kept in memory: one writer), then commits. Its tables copy the
app's columns and indexes without foreign keys. bare: deserialize, complete, serialize, nothing written. service:
complete_task. The three alternate in rounds within one process; numbers are printed, never asserted.
"""
from __future__ import annotations

import copy
import gc
import json
import math
import statistics
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import Column, Index, Integer, MetaData, Table
from sqlalchemy.schema import CreateIndex, CreateTable

from engine.config import SHIPPED_BPMN_DIR
from engine.db import GENESIS, Event, OpenTask, WorkflowState, WorkflowTask, WorkflowTaskArchive, chain_hash
from engine.db import payload_digest as digest_of
from engine.workflow import WorkflowRuntime, prepare_save

from .completion import SHIPPED_DECISIONS

_STATEMENTS = {
    "state": "UPDATE {p}workflow_state SET version = ?, header = ?, completed = ?, visited = ?, next_timer_at = ? "
             "WHERE process_id = ? AND version = ?",
    "new_state": "INSERT INTO {p}workflow_state (process_id, case_id, version, definition_id, serializer_version, "
                 "header, completed, visited, next_timer_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "delete_task": "DELETE FROM {p}workflow_task WHERE process_id = ? AND task_id = ?",
    "insert_task": "INSERT INTO {p}workflow_task (process_id, task_id, payload) VALUES (?, ?, ?)",
    "update_task": "UPDATE {p}workflow_task SET payload = ? WHERE process_id = ? AND task_id = ?",
    "archive": "INSERT INTO {p}workflow_task_archive (process_id, task_id, payload, archived_at) VALUES (?, ?, ?, ?)",
    "delete_open": "DELETE FROM {p}open_task WHERE id = ?",
    "insert_open": "INSERT INTO {p}open_task (id, case_id, process_id, task_spec, title, form_key, lane, role, step, "
                   "needs_consent, assignee_id, organisation_id, municipality_id, due_on, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "event": "INSERT INTO {p}event (seq, at, actor_id, case_id, kind, payload, payload_digest, prev_hash, hash) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
}


def _model(runtime: WorkflowRuntime):
    return runtime.model(0, "bench", (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8"),
                         decisions=SHIPPED_DECISIONS)


class Floor:
    """The least a durable completion must do, on the service's database (its own copies of the tables)."""

    name = "floor"
    TABLES = (WorkflowState, WorkflowTask, WorkflowTaskArchive, OpenTask, Event)
    STATEMENTS = _STATEMENTS

    def __init__(self, engine, start: dict, opening: list[dict], steps: list[dict]):
        self.start_data, self.opening, self.steps = start, opening, steps
        self.runtime = WorkflowRuntime(cache_size=0)
        self.model = _model(self.runtime)
        self.engine, self.sqlite = engine, engine.dialect.name == "sqlite"
        self._pooled = engine.raw_connection()
        self.conn = self._pooled.driver_connection
        # PostgreSQL: the copies live in a schema of their own, dropped again by close().
        self.schema = None if self.sqlite else f"{self.name.replace('+', '_')}_{uuid.uuid4().hex[:8]}"
        prefix = f"{self.schema}." if self.schema else f"{self.name.replace('+', '_')}_"
        self.sql = {key: self._placeholders(text.format(p=prefix)) for key, text in self.STATEMENTS.items()}
        self._create_tables(prefix)
        self.seq, self.head, self.workflows = 0, GENESIS, {}
        self.lock_times: list[float] = []
        self.completions_per_journey = len(steps)

    def _placeholders(self, sql: str) -> str:
        return sql if self.sqlite else sql.replace("?", "%s")

    def _create_tables(self, prefix: str) -> None:
        meta, dialect, ddl = MetaData(), self.engine.dialect, []
        if self.schema:
            ddl.append(f"CREATE SCHEMA {self.schema}")
        for source in (model.__table__ for model in self.TABLES):
            columns = [Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                       for c in source.columns]
            if source.name == WorkflowState.__tablename__:
                columns.append(Column("version", Integer, nullable=False))
            name = source.name if self.schema else f"{prefix}{source.name}"
            table = Table(name, meta, *columns, schema=self.schema)
            ddl.append(str(CreateTable(table).compile(dialect=dialect)))
            ddl += [str(CreateIndex(Index(f"{prefix.replace('.', '_')}{ix.name}",
                                          *(table.c[c.name] for c in ix.columns), unique=ix.unique))
                        .compile(dialect=dialect)) for ix in source.indexes]
        self._run(lambda cur: [cur.execute(statement) for statement in ddl])

    def _run(self, work) -> float:
        """Run `work(cursor)` in one transaction; returns the seconds the write lock was held."""
        conn = self.conn
        if self.sqlite:
            conn.execute("BEGIN IMMEDIATE")
            locked = time.perf_counter()
            try:
                work(conn.cursor())
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return time.perf_counter() - locked
        locked = time.perf_counter()
        with conn.cursor() as cur:
            try:
                work(cur)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return time.perf_counter() - locked

    def close(self) -> None:
        """Drop PostgreSQL's copies and give the connection back."""
        if self.schema:
            self._run(lambda cur: cur.execute(f"DROP SCHEMA {self.schema} CASCADE"))
        self._pooled.close()

    def _time(self, moment):
        if moment is None or not self.sqlite:
            return moment
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def _event(self, now, case_id: str, kind: str, payload: dict) -> tuple:
        seq, digest = self.seq + 1, digest_of(payload)
        link = chain_hash(self.head, seq, now, 1, case_id, kind, digest)
        return (seq, self._time(now), 1, case_id, kind, json.dumps(payload), digest, self.head, link), seq, link

    def _open_rows(self, case_id: str, ready, stamp) -> list[tuple]:
        return [(t.id, case_id, case_id, t.spec_name, t.title, t.form_key, t.lane, t.role, t.step, t.needs_consent,
                 1 if t.role == "caseworker" else None, 1, 1, t.due_on, stamp) for t in ready]

    def open(self):
        """Start a journey, take its opening steps and store it (not timed: opening a case)."""
        runtime, sql = self.runtime, self.sql
        workflow = runtime.start(self.model, copy.deepcopy(self.start_data))
        for data in self.opening:
            runtime.complete(workflow, runtime.ready_user_tasks(self.model, workflow)[0].id, copy.deepcopy(data))
        case_id = str(uuid.uuid4())
        pending = prepare_save(runtime, case_id, case_id, 1, workflow, is_new=True)
        ready = runtime.ready_user_tasks(self.model, workflow)
        values, now = pending.values, datetime.now(UTC)
        event, seq, link = self._event(now, case_id, "case_opened", {})

        def work(cur):
            cur.execute(sql["new_state"], (case_id, case_id, 1, 1, values["serializer_version"],
                                           json.dumps(values["header"]), values["completed"],
                                           json.dumps(values["visited"]), self._time(values["next_timer_at"])))
            cur.executemany(sql["insert_task"], [(case_id, task_id, json.dumps(payload))
                                                 for task_id, payload in pending.snapshot.changed.items()])
            cur.executemany(sql["insert_open"], self._open_rows(case_id, ready, self._time(now)))
            cur.execute(sql["event"], event)
            self._opened(cur, case_id, now, event)
        self._run(work)
        self.seq, self.head = seq, link
        self.workflows[case_id] = workflow
        return case_id, 1, ready

    def complete(self, case_id: str, version: int, task, data: dict):
        """Complete `task` durably; returns the new version, the ready tasks and the seconds taken."""
        runtime, workflow, dumps, sql = self.runtime, self.workflows[case_id], json.dumps, self.sql
        start = time.perf_counter()
        checked = self._before(case_id, version, task)
        spec_name = runtime.complete(workflow, task.id, data)
        ready = runtime.ready_user_tasks(self.model, workflow)
        pending = prepare_save(runtime, case_id, case_id, 1, workflow)
        snap, values, now = pending.snapshot, pending.values, datetime.now(UTC)
        stamp = self._time(now)
        removed = [(case_id, task_id) for task_id in snap.removed]
        inserted = [(case_id, task_id, dumps(payload)) for task_id, payload in snap.changed.items()
                    if task_id in snap.inserted]
        changed = [(dumps(payload), case_id, task_id) for task_id, payload in snap.changed.items()
                   if task_id not in snap.inserted]
        archived = [(case_id, task_id, dumps(payload), stamp) for task_id, payload in snap.archived.items()]
        state = (version + 1, dumps(values["header"]), values["completed"], dumps(values["visited"]),
                 self._time(values["next_timer_at"]), case_id, version)
        open_rows = self._open_rows(case_id, ready, stamp)
        event, seq, link = self._event(now, case_id, "task_completed", {"task_id": task.id, "task": spec_name,
                                                                         "title": task.title, "form": task.form_key})

        def work(cur):
            cur.execute(sql["state"], state)
            if cur.rowcount != 1:
                raise RuntimeError(f"version conflict on {case_id}")
            for key, rows in (("delete_task", removed), ("insert_task", inserted), ("archive", archived),
                              ("update_task", changed)):
                if rows:
                    cur.executemany(sql[key], rows)
            cur.execute(sql["delete_open"], (task.id,))
            if open_rows:
                cur.executemany(sql["insert_open"], open_rows)
            cur.execute(sql["event"], event)
            self._written(cur, case_id, version, task, checked, now, data, event)
        self.lock_times.append(self._run(work))
        self.seq, self.head = seq, link
        return version + 1, ready, time.perf_counter() - start

    def _opened(self, cur, case_id: str, now, event: tuple) -> None:
        """More rows a new case writes with its first event (none in the floor itself)."""

    def _before(self, case_id: str, version: int, task):
        """Work before SpiffWorkflow's step (none in the floor itself); its answer reaches _written."""

    def _written(self, cur, case_id: str, version: int, task, checked, now, data: dict, event: tuple) -> None:
        """More rows a completion writes in its transaction with its event (none in the floor itself)."""

    def journey(self, times: list[float]) -> None:
        """One journey with the service's step data, one timed completion per step."""
        case_id, version, ready = self.open()
        for data in self.steps:
            version, ready, seconds = self.complete(case_id, version, ready[0], copy.deepcopy(data))
            times.append(seconds)
        del self.workflows[case_id]


def ms(values: list[float]) -> tuple[float, float]:
    """Median and p95 of seconds, in ms."""
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] * 1000


def alternate(variants: list, completions: int, rounds: int) -> dict[str, list[float]]:
    """Each variant's per-completion seconds, `completions` each, in `rounds` rounds of rotating order."""
    samples: dict[str, list[float]] = {v.name: [] for v in variants}
    per_round = math.ceil(completions / rounds)
    for r in range(rounds):
        for variant in variants[r % len(variants):] + variants[:r % len(variants)]:
            gc.collect()
            times: list[float] = []
            while len(times) < per_round:
                variant.journey(times)
            samples[variant.name] += times
    return samples
