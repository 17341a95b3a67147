"""Prebuilt write statements for the hot path: rendered once per dialect and parameter set, run on the DBAPI cursor.

A Core statement through `Connection.execute` costs 40–60 µs of SQLAlchemy bookkeeping per call (cache key,
execution context, result object) where the driver needs about 10 µs; a completion runs ten of them while it
holds the write lock. `Prebuilt` keeps the SQL SQLAlchemy renders for the dialect and the bind processors of its
types (dates, JSON, our type decorators), so what reaches the driver is exactly what `execute` would send.
Statements that need SQLAlchemy at execution time (Python-side column defaults, RETURNING, expanding or escaped
parameters) and connections with event listeners (statement counters in tests and benchmarks) take the ordinary
`Connection.execute` path, so listeners still see every statement.

`DeferredWrites` goes one step further for writers that compute before they lock (engine.casework.tasks): the
statements are bound (SQL chosen, parameters run through their processors, JSON encoded) while no lock is held,
and only executed once the lock is taken.
"""
from __future__ import annotations

from .pipeline import in_pipeline, watched

_FALLBACK = object()


class Prebuilt:
    """One INSERT/UPDATE/DELETE; call it with a connection and a parameter dict or a list of them (executemany).

    `bind` serves SELECTs as well (engine.db.prebuilt_read)."""

    __slots__ = ("statement", "_rendered")

    def __init__(self, statement):
        self.statement = statement
        self._rendered: dict = {}

    def __call__(self, conn, params) -> int | None:
        """Run the statement; returns the driver's rowcount (summed over an executemany on SQLite).

        On DeferredWrites the statement is only bound now and the count is not known (None).
        """
        if isinstance(conn, DeferredWrites):
            conn.add(self.bind(conn.connection, params), keep=False)
            return None
        cursor = self._execute(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def send(self, conn, params: dict):
        """Run the statement and hand back its cursor (or result) whose `rowcount` the caller reads later.

        Inside a PostgreSQL pipeline (engine.db.pipeline) the count is known only once the block has ended; on
        DeferredWrites once they have been sent.
        """
        if isinstance(conn, DeferredWrites):
            return conn.add(self.bind(conn.connection, params), keep=True)
        return self._execute(conn, params)

    def bind(self, conn, params) -> Bound:
        """The statement with its SQL and driver parameters ready, to be executed on `conn` now or later."""
        many = isinstance(params, list)
        rows = params if many else (params,)
        if watched(conn):
            return Bound(self.statement, params, None)  # someone watches the statements: let them see it
        dialect = conn.dialect
        key = (dialect.name, many, frozenset(rows[0]))
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._rendered[key] = _render(self.statement, dialect, rows[0], many)
        if rendered is _FALLBACK:
            return Bound(self.statement, params, None)
        sql, binds, positional = rendered
        values = [[row[name] if name in row else default for name, default, _process in binds] for row in rows]
        for index, (_name, _default, process) in enumerate(binds):
            if process is not None:
                for row_values in values:
                    row_values[index] = process(row_values[index])
        names = [name for name, _default, _process in binds]
        converted = [tuple(v) if positional else dict(zip(names, v, strict=True)) for v in values]
        return Bound(self.statement, params, (sql, converted, many))

    def _execute(self, conn, params):
        return self.bind(conn, params).execute(conn)


class Bound:
    """A Prebuilt statement bound to its parameters: driver SQL and values, or None for SQLAlchemy's path."""

    __slots__ = ("statement", "params", "ready")

    def __init__(self, statement, params, ready):
        self.statement, self.params, self.ready = statement, params, ready

    def execute(self, conn):
        """Execute on `conn`; returns the driver's cursor (or SQLAlchemy's result) for its rowcount."""
        if self.ready is None:
            if in_pipeline(conn):  # SQLAlchemy's path reads results a pipeline has not delivered yet
                raise RuntimeError(f"{self.statement.table.name}: statement needs SQLAlchemy, run it outside "
                                   "pipelined()")
            return conn.execute(self.statement, self.params)
        sql, converted, many = self.ready
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            if many:
                cursor.executemany(sql, converted)
            else:
                cursor.execute(sql, converted[0])
        except BaseException:
            cursor.close()
            raise
        return cursor


class Answer:
    """The row count of a deferred statement, known once DeferredWrites.send() has run (and, inside a PostgreSQL
    pipeline, once the block has ended)."""

    __slots__ = ("_cursor",)

    def __init__(self):
        self._cursor = None

    @property
    def rowcount(self) -> int:
        """The driver's row count; -1 while the statement has not been sent."""
        return -1 if self._cursor is None else self._cursor.rowcount

    def close(self) -> None:
        """Give the cursor back."""
        if self._cursor is not None:
            self._cursor.close()


class DeferredWrites:
    """Prebuilt writes bound now and sent later, in the order given: what a writer must compute for its statements
    (SQL, parameters through their types' processors, JSON text) is done before it takes the write lock, so under
    the lock only the driver works. Pass it where a writer takes a connection; statements that are not Prebuilt
    are not accepted (they would have to be built under the lock)."""

    def __init__(self, conn):
        self.connection = conn
        self._writes: list[tuple[Bound, Answer | None]] = []

    def add(self, bound: Bound, keep: bool) -> Answer | None:
        """Queue a bound statement; `keep`: the caller reads its row count later (an Answer is returned)."""
        answer = Answer() if keep else None
        self._writes.append((bound, answer))
        return answer

    def __len__(self) -> int:
        return len(self._writes)

    def execute(self, *_args, **_kwargs):
        """Refused: only Prebuilt statements can be bound ahead (anything else would be built under the lock)."""
        raise TypeError("DeferredWrites takes Prebuilt statements only")

    def send(self) -> None:
        """Execute the queued statements in order on the connection (inside the caller's pipeline, if any)."""
        conn, writes, self._writes = self.connection, self._writes, []
        for bound, answer in writes:
            cursor = bound.execute(conn)
            if answer is None:
                cursor.close()
            else:
                answer._cursor = cursor


def _render(statement, dialect, sample: dict, many: bool):
    compiled = statement.compile(dialect=dialect, column_keys=list(sample), for_executemany=many)
    if (compiled.insert_prefetch or compiled.update_prefetch or compiled.effective_returning
            or compiled.escaped_bind_names or compiled.literal_execute_params or compiled.post_compile_params):
        return _FALLBACK
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    if any(bind.required and name not in sample for name, bind in by_name.items()):
        return _FALLBACK  # let SQLAlchemy raise its clear error for the missing parameter
    names = compiled.positiontup if compiled.positional else list(dict.fromkeys(compiled.bind_names.values()))
    processors = compiled._bind_processors
    binds = [(name, None if name in sample else by_name[name].effective_value, processors.get(name))
             for name in names]
    return compiled.string, binds, compiled.positional
