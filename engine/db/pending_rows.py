"""Writing a session's new and changed plain rows with prebuilt statements instead of the ORM flush (hot path).

The unit-of-work flush costs several times the INSERT it issues (dependency sort, state bookkeeping per object);
a completion adds a goal or an assessment area and changes a few goal columns, so it writes them itself.
"""
from __future__ import annotations

from sqlalchemy import bindparam, insert, inspect, update

from .base import Base
from .prebuilt import Prebuilt

_INSERTS: dict[str, Prebuilt] = {}
_UPDATES: dict[tuple, Prebuilt] = {}
_ORDER: dict = {}  # table -> position in foreign-key order (sorting all tables costs more than the inserts)


def insert_new_objects(session, conn) -> None:
    """INSERT the session's pending new objects with prebuilt statements and take them out of the session.

    Only plain single-table objects without relationship attributes set qualify. If any pending object does not,
    nothing is written here: the ORM flush at commit writes them all, in the order their keys need.
    """
    new = session.new
    if not new:
        return
    if not _ORDER:
        _ORDER.update({table: index for index, table in enumerate(Base.metadata.sorted_tables)})
    groups: dict[tuple, list] = {}
    written = []
    for obj in list(new):
        state = inspect(obj)
        mapper = state.mapper
        if mapper.inherits is not None or any(rel.key in state.dict for rel in mapper.relationships):
            return
        table = mapper.local_table
        row = {}
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if prop.key in state.dict:
                row[column.name] = state.dict[prop.key]
            elif column.default is not None and column.default.is_scalar:
                row[column.name] = column.default.arg
            elif column.default is not None and column.default.is_callable:
                # SQLAlchemy wraps our zero-argument defaults (new_id, utcnow) to take an execution context; the
                # value computed here keeps the INSERT prebuilt (usable inside a pipeline, see engine.db.pipeline)
                row[column.name] = column.default.arg(None)
        groups.setdefault((table, frozenset(row)), []).append(row)
        written.append(obj)
    for (table, _keys), rows in sorted(groups.items(), key=lambda item: _ORDER[item[0][0]]):
        statement = _INSERTS.get(table.name)
        if statement is None:
            statement = _INSERTS[table.name] = Prebuilt(insert(table))
        statement(conn, rows)
    for obj in written:
        session.expunge(obj)


def update_by_key(conn, table, key, changes: dict) -> None:
    """UPDATE the `changes` (column → value) of one row of `table` by its single-column primary key."""
    if not changes:
        return
    names = tuple(sorted(changes))
    statement = _UPDATES.get((table.name, names))
    if statement is None:
        (pk,) = table.primary_key.columns
        statement = _UPDATES[(table.name, names)] = Prebuilt(
            update(table).where(pk == bindparam("pk_value")).values(**{n: bindparam(f"set_{n}") for n in names}))
    statement(conn, {"pk_value": key, **{f"set_{name}": value for name, value in changes.items()}})
