"""A prebuilt SELECT for the hot path, and ORM instances made from its rows without the ORM's query machinery.

The completion's one read (engine.casework.tasks) went through `Session.execute`: per call about 0.2 ms of
SQLAlchemy's work around a driver call of 0.05–0.09 ms (the statement's cache key alone is generated anew each
time, then the ORM's execution context, result and instance processing). `PrebuiltRead` renders the statement
once per dialect, binds its parameters as SQLAlchemy would (literal values and processors from the compiled
statement), runs it on the DBAPI cursor and converts each column with the result processor of its type (dates
and timestamps on SQLite, JSON, our type decorators), so the rows are what `Connection.execute` would return.
A connection watched by statement listeners (tests counting statements, bench logs) takes `Connection.execute`,
so they still see it.

`attach_loaded` turns the column values of a mapped class into a persistent instance of the session, as if a
query had loaded it: attribute history starts clean, relationships load lazily on access.
"""
from __future__ import annotations

from sqlalchemy.orm import make_transient_to_detached

from .pipeline import watched


class PrebuiltRead:
    """One SELECT with named bound parameters; `rows(conn, params)` gives its rows as tuples (in `keys` order)."""

    __slots__ = ("statement", "keys", "_rendered")

    def __init__(self, statement):
        self.statement = statement
        self.keys = tuple(statement.selected_columns.keys())
        self._rendered: dict = {}

    def rows(self, conn, params: dict) -> list[tuple]:
        """Run the statement on the SQLAlchemy connection `conn`; the rows with each column converted."""
        if watched(conn):
            return [tuple(row) for row in conn.execute(self.statement, params)]
        dialect = conn.dialect
        key = (dialect.name, dialect.driver)  # the driver decides the parameter style and the result processors
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._rendered[key] = _Rendered(self.statement, dialect)
        return rendered.run(conn.connection.dbapi_connection, params)


class _Rendered:
    """The statement's SQL for one dialect, how to bind its parameters and how to convert its columns."""

    __slots__ = ("sql", "binds", "positional", "types", "dialect", "processors")

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params or compiled.escaped_bind_names:
            raise TypeError("PrebuiltRead takes statements whose SQL does not depend on their values")
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        names = compiled.positiontup if compiled.positional else list(dict.fromkeys(compiled.bind_names.values()))
        processors = compiled._bind_processors
        # A parameter the caller passes (value None here) or a literal of the statement (its value, processed once).
        self.binds = []
        for name in names:
            bind, process = by_name[name], processors.get(name)
            if bind.required or bind.callable is not None:
                self.binds.append((name, False, process))
            else:
                literal = bind.effective_value
                self.binds.append((name, True, process(literal) if process is not None else literal))
        self.sql, self.positional, self.dialect = compiled.string, compiled.positional, dialect
        self.types = [column[3] for column in compiled._result_columns]
        self.processors = None  # known with the first cursor description (some drivers' processors need it)

    def _bound(self, params: dict):
        values = []
        for name, literal, value in self.binds:
            if literal:
                values.append(value)
            else:
                raw = params[name]
                values.append(value(raw) if value is not None else raw)
        if self.positional:
            return tuple(values)
        return {name: value for (name, _literal, _value), value in zip(self.binds, values, strict=True)}

    def run(self, driver_connection, params: dict) -> list[tuple]:
        cursor = driver_connection.cursor()
        try:
            cursor.execute(self.sql, self._bound(params))
            fetched = cursor.fetchall()
            if self.processors is None:
                self.processors = [type_._cached_result_processor(self.dialect, description[1])
                                   for type_, description in zip(self.types, cursor.description, strict=True)]
        finally:
            cursor.close()
        converters = [(index, process) for index, process in enumerate(self.processors) if process is not None]
        if not converters:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:
            values = list(row)
            for index, process in converters:
                values[index] = process(values[index])
            rows.append(tuple(values))
        return rows


def attach_loaded(session, cls, values: dict):
    """A persistent instance of mapped `cls` in `session` with the column `values` as loaded from the database.

    Attribute history starts clean (a later change is a change); attributes not given, relationships among
    them, load on first access. The session must not hold an instance with the same identity yet.
    """
    instance = cls.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    session.add(instance)
    return instance
