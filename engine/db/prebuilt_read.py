"""A prebuilt SELECT for the hot path, and ORM instances made from its rows without the ORM's query machinery.

The completion's one read (engine.casework.tasks) went through `Session.execute`: per call about 0.2 ms of
SQLAlchemy's work around a driver call of 0.05–0.09 ms (the statement's cache key alone is generated anew each
time, then the ORM's execution context, result and instance processing). `PrebuiltRead` has its SQL rendered and
its parameters bound by `Prebuilt` (engine.db.prebuilt, once per dialect), runs it on the DBAPI cursor and converts
each column with the result processor of its type (dates and timestamps on SQLite, JSON, our type decorators), so
the rows are what `Connection.execute` would return. Where Prebuilt takes SQLAlchemy's path (a connection watched
by statement listeners, SQL that depends on the values), so does the read.

`attach_loaded` turns the column values of a mapped class into a persistent instance of the session, as if a
query had loaded it: attribute history starts clean, relationships load lazily on access.
"""
from __future__ import annotations

from sqlalchemy.orm import make_transient_to_detached

from .prebuilt import Prebuilt


class PrebuiltRead:
    """One SELECT with named bound parameters; `rows(conn, params)` gives its rows as tuples (in `keys` order)."""

    __slots__ = ("statement", "keys", "_binder", "_converters")

    def __init__(self, statement):
        self.statement = statement
        self.keys = tuple(statement.selected_columns.keys())
        self._binder = Prebuilt(statement)  # SQL and parameters bound exactly as for the hot path's writes
        self._converters: dict = {}

    def rows(self, conn, params: dict) -> list[tuple]:
        """Run the statement on the SQLAlchemy connection `conn`; the rows with each column converted."""
        bound = self._binder.bind(conn, params)
        if bound.ready is None:  # watched by listeners, or SQL that depends on the values: SQLAlchemy's path
            return [tuple(row) for row in conn.execute(self.statement, params)]
        sql, converted, _many = bound.ready
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, converted[0])
            fetched = cursor.fetchall()
            converters = self._converters_for(conn.dialect, cursor.description)
        finally:
            cursor.close()
        if not converters:
            return [tuple(row) for row in fetched]
        rows = []
        for row in fetched:
            values = list(row)
            for index, process in converters:
                values[index] = process(values[index])
            rows.append(tuple(values))
        return rows

    def _converters_for(self, dialect, description) -> list:
        # The result processors of the columns' types, as SQLAlchemy's result would apply them; some drivers'
        # processors depend on the cursor's type codes, so they are looked up with the first description.
        key = (dialect.name, dialect.driver)
        converters = self._converters.get(key)
        if converters is None:
            processors = (column.type._cached_result_processor(dialect, described[1])
                          for column, described in zip(self.statement.selected_columns, description, strict=True))
            converters = self._converters[key] = [(index, process) for index, process in enumerate(processors)
                                                  if process is not None]
        return converters


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
