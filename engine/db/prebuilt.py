"""Prebuilt write statements for the hot path: rendered once per dialect and parameter set, run on the DBAPI cursor.

A Core statement through `Connection.execute` costs 40–60 µs of SQLAlchemy bookkeeping per call (cache key,
execution context, result object) where the driver needs about 10 µs; a completion runs ten of them while it
holds the write lock. `Prebuilt` keeps the SQL SQLAlchemy renders for the dialect and the bind processors of its
types (dates, JSON, our type decorators), so what reaches the driver is exactly what `execute` would send.
Statements that need SQLAlchemy at execution time (Python-side column defaults, RETURNING, expanding or escaped
parameters) and connections with event listeners (statement counters in tests and benchmarks) take the ordinary
`Connection.execute` path, so listeners still see every statement.
"""
from __future__ import annotations

from .pipeline import in_pipeline, watched

_FALLBACK = object()


class Prebuilt:
    """One INSERT/UPDATE/DELETE; call it with a connection and a parameter dict or a list of them (executemany)."""

    __slots__ = ("statement", "_rendered")

    def __init__(self, statement):
        self.statement = statement
        self._rendered: dict = {}

    def __call__(self, conn, params) -> int:
        """Run the statement; returns the driver's rowcount (summed over an executemany on SQLite)."""
        cursor = self._execute(conn, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()

    def send(self, conn, params: dict):
        """Run the statement and hand back its cursor (or result) whose `rowcount` the caller reads later.

        Inside a PostgreSQL pipeline (engine.db.pipeline) the count is known only once the block has ended.
        """
        return self._execute(conn, params)

    def _execute(self, conn, params):
        many = isinstance(params, list)
        rows = params if many else (params,)
        if watched(conn):
            return conn.execute(self.statement, params)  # someone watches the statements: let them see it
        dialect = conn.dialect
        key = (dialect.name, many, frozenset(rows[0]))
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._rendered[key] = _render(self.statement, dialect, rows[0], many)
        if rendered is _FALLBACK:
            if in_pipeline(conn):  # SQLAlchemy's path reads results a pipeline has not delivered yet
                raise RuntimeError(f"{self.statement.table.name}: statement needs SQLAlchemy, run it outside "
                                   "pipelined()")
            return conn.execute(self.statement, params)
        sql, binds, positional = rendered
        values = [[row[name] if name in row else default for name, default, _process in binds] for row in rows]
        for index, (_name, _default, process) in enumerate(binds):
            if process is not None:
                for row_values in values:
                    row_values[index] = process(row_values[index])
        names = [name for name, _default, _process in binds]
        converted = [tuple(v) if positional else dict(zip(names, v, strict=True)) for v in values]
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
