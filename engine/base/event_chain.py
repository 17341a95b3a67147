"""The hash chain over the event log: canonical digests, and appending a transaction's events at commit time.

Events are buffered per session and written when the root transaction commits: the single chain-head row is
locked (`SELECT … FOR UPDATE` on PostgreSQL; SQLite writers already hold the write lock), seq and hashes are
assigned, the rows go in with one executemany, and the head moves on. Taking the lock only at commit keeps a
sweep batch from holding the head while it locks case rows (no deadlocks), and keeps the lock short.
Events recorded inside a savepoint that is rolled back are discarded with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from engine.db import GENESIS, Bound, Event, EventChainHead, Prebuilt, WebhookEndpoint, chain_hash, payload_digest

from .webhook_outbox import queue_deliveries

HEAD_ID = 1
_PENDING = "integraflow.pending_events"
_EXPECTED = "integraflow.expected_head"
_PREPARED = "integraflow.prepared_events"
# Statements built once: every commit with events runs them, and building them costs more than running them.
_READ_HEAD = select(EventChainHead.seq, EventChainHead.hash).where(EventChainHead.id == HEAD_ID)
_LOCK_HEAD = _READ_HEAD.with_for_update()
_INSERT_EVENTS = Prebuilt(insert(Event.__table__))
_MOVE_HEAD = (update(EventChainHead.__table__).where(EventChainHead.__table__.c.id == HEAD_ID)
              .values(seq=bindparam("new_seq"), hash=bindparam("new_hash")))
_MOVE_HEAD_FROM = Prebuilt(_MOVE_HEAD.where(EventChainHead.__table__.c.seq == bindparam("old_seq")))
_EVENT_COLUMNS = ("seq", "at", "actor_id", "case_id", "kind", "payload", "payload_digest", "prev_hash", "hash")
# The prepared rows, inserted only where the head carries the hash they end with, i.e. where this transaction's
# guarded move took it (a hash is unique to its chain position and content). So they can go out with the writes,
# right behind the move, instead of in a round trip of their own at commit while the head row is held.
_INSERT_EVENTS_IF_MOVED = Prebuilt(insert(Event.__table__).from_select(
    _EVENT_COLUMNS,
    select(*(bindparam(name, type_=Event.__table__.c[name].type) for name in _EVENT_COLUMNS))
    .where(exists().where(EventChainHead.__table__.c.id == HEAD_ID,
                          EventChainHead.__table__.c.hash == bindparam("head_hash")))))
# Columns for a caller's own first SELECT (see expect_head): the head and whether any webhook endpoint is active.
HEAD_SEQ = select(EventChainHead.seq).where(EventChainHead.id == HEAD_ID).scalar_subquery()
HEAD_HASH = select(EventChainHead.hash).where(EventChainHead.id == HEAD_ID).scalar_subquery()
ANY_WEBHOOK = exists().where(WebhookEndpoint.active.is_(True))


@dataclass(frozen=True)
class ExpectedHead:
    """The chain head and the webhook answer as read before the write lock (seq None: no head row)."""

    seq: int | None
    hash: str | None
    any_webhook: bool


@dataclass
class _Pending:
    row: dict
    owners: tuple  # the (nested) transaction the event was recorded in, and all its parents


def buffer_event(session: Session, at: datetime, actor_id: int | None, case_id: str | None, kind: str,
                 payload: dict) -> None:
    """Remember an event for the commit of the session's current transaction."""
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:
        session.connection()  # begins the transaction
        transaction = session.get_transaction()
    owners = []
    while transaction is not None:
        owners.append(transaction)
        transaction = transaction.parent
    row = {"at": at, "actor_id": actor_id, "case_id": case_id, "kind": kind, "payload": payload,
           "payload_digest": payload_digest(payload)}
    session.info.setdefault(_PENDING, []).append(_Pending(row, tuple(owners)))


def expect_head(session: Session, seq: int | None, hash_: str | None, any_webhook: bool) -> None:
    """Let this transaction's commit append from a head read earlier (outside the lock) instead of reading it.

    The commit moves the head with `UPDATE … WHERE seq = <read seq>`: one statement instead of read + update. If
    the head moved meanwhile (another transaction appended), it falls back to reading the head under the lock.
    An unmoved head also proves that no webhook endpoint was registered or switched off since the read (both are
    events), so "no active endpoint" read then saves the endpoints' SELECT.
    """
    session.info[_EXPECTED] = ExpectedHead(seq, hash_, bool(any_webhook))


@dataclass
class _Prepared:
    """A transaction's events chained and bound before its write lock (see prepare_events)."""

    pending: tuple  # the _Pending entries it covers, in order
    expected: ExpectedHead
    rows: list[dict]
    end: tuple[int, str]  # the head after these rows: (seq, hash)
    move: Bound
    insert: Bound | None  # None: the rows went out with the caller's writes (inserted if the move took the head)
    moved: object = None  # the guarded move's answer when it went out with the caller's writes


def prepare_events(session: Session, writes=None) -> None:
    """Chain and bind the transaction's events now, from the head given to expect_head(), so that the commit only
    sends them: hashing, JSON and parameter binding then happen before the write lock instead of under it.

    With `writes` (the caller's DeferredWrites) the guarded move of the head and then the rows go out last among
    them, so on PostgreSQL they share their round trip; the move then holds the head row until the commit, like
    the move at commit time would, and the rows are inserted only if the move took the head (see
    _INSERT_EVENTS_IF_MOVED). Without `writes` the commit inserts them if the move took the head. Events recorded
    since preparing continue the chain from the prepared rows (the move holds the head); if the head had moved,
    everything is chained from the real head under its lock, exactly as without preparing.
    """
    expected, pending = session.info.get(_EXPECTED), session.info.get(_PENDING)
    if expected is None or expected.seq is None or not pending:
        return
    conn = session.connection()
    rows = [dict(p.row) for p in pending]
    seq, prev = _chain(rows, expected.seq, expected.hash)
    move = _MOVE_HEAD_FROM.bind(conn, {"new_seq": seq, "new_hash": prev, "old_seq": expected.seq})
    if writes is None:
        prepared = _Prepared(tuple(pending), expected, rows, (seq, prev), move, _INSERT_EVENTS.bind(conn, rows))
    else:
        prepared = _Prepared(tuple(pending), expected, rows, (seq, prev), move, None)
        prepared.moved = writes.add(move, keep=True)
        writes.add(_INSERT_EVENTS_IF_MOVED.bind(conn, [{**row, "head_hash": prev} for row in rows]), keep=False)
    session.info[_PREPARED] = prepared


def _send_prepared(conn, prepared: _Prepared, pending: list) -> bool:
    """Write the commit's events from the prepared head if the guarded move took it; False if the head had moved."""
    answer = prepared.moved if prepared.moved is not None else prepared.move.execute(conn)
    try:
        if answer.rowcount != 1:
            return False  # someone appended since the head was read: chain from the real head
    finally:
        answer.close()
    count = len(prepared.pending)
    if len(pending) < count or any(a is not b for a, b in zip(prepared.pending, pending, strict=False)):
        # Discarded after the move went out: the head cannot go back (the database refuses it), so the
        # transaction must not commit. Hot-path writers record no event inside savepoints.
        raise RuntimeError("events discarded after their chain-head move was sent")
    if prepared.insert is not None:
        prepared.insert.execute(conn).close()
    rows = prepared.rows
    if len(pending) > count:
        # Recorded after preparing (e.g. under the lock); the move holds the head, so they continue from its end.
        later = [p.row for p in pending[count:]]
        seq, prev = _chain(later, *prepared.end)
        _INSERT_EVENTS(conn, later)
        conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
        rows = rows + later
    if prepared.expected.any_webhook:
        queue_deliveries(conn, rows)
    return True


def pending_count(session: Session) -> int:
    """Events recorded in this session that are not written yet (tests and diagnostics)."""
    return len(session.info.get(_PENDING, ()))


def read_head(conn, lock: bool = False) -> tuple[int, str] | None:
    """The chain head (last seq, last hash), locked for appending if asked; None if the row is missing."""
    row = conn.execute(_LOCK_HEAD if lock and conn.dialect.name == "postgresql" else _READ_HEAD).first()
    return (row[0], row[1]) if row else None


def _lock_head(conn) -> tuple[int, str]:
    head = read_head(conn, lock=True)
    if head is not None:
        return head
    # A database built without the migration's head row (or emptied by a test): continue from the last event.
    last = conn.execute(select(Event.seq, Event.hash).order_by(Event.seq.desc()).limit(1)).first()
    values = {"id": HEAD_ID, "seq": last[0] if last else 0, "hash": last[1] if last else GENESIS}
    if conn.dialect.name == "postgresql":
        conn.execute(pg_insert(EventChainHead).values(**values).on_conflict_do_nothing())
    else:
        conn.execute(insert(EventChainHead).prefix_with("OR IGNORE").values(**values))
    return read_head(conn, lock=True)


def append_events(conn, events: list[dict]) -> None:
    """Chain and insert events given as dicts of at, actor_id, case_id, kind, payload (bulk copies, imports).

    Call inside a writing transaction; other keys (an old id, seq or hash of a copied row) are ignored.
    """
    _append(conn, [{"at": e["at"], "actor_id": e["actor_id"], "case_id": e["case_id"], "kind": e["kind"],
                    "payload": e["payload"], "payload_digest": payload_digest(e["payload"])} for e in events])


def _chain(rows: list[dict], seq: int, prev: str) -> tuple[int, str]:
    for row in rows:
        seq += 1
        row["seq"], row["prev_hash"] = seq, prev
        prev = row["hash"] = chain_hash(prev, seq, row["at"], row["actor_id"], row["case_id"], row["kind"],
                                        row["payload_digest"])
    return seq, prev


def _append(conn, rows: list[dict], expected: ExpectedHead | None = None) -> None:
    if expected is not None and expected.seq is not None:
        seq, prev = _chain(rows, expected.seq, expected.hash)
        # The guarded move is the lock on PostgreSQL (row lock) as the read FOR UPDATE would be; on SQLite the
        # writer holds the write lock already. 0 rows: someone appended since the read, chain from the real head.
        if _MOVE_HEAD_FROM(conn, {"new_seq": seq, "new_hash": prev, "old_seq": expected.seq}) == 1:
            _INSERT_EVENTS(conn, rows)
            if expected.any_webhook:
                queue_deliveries(conn, rows)
            return
    seq, prev = _chain(rows, *_lock_head(conn))
    _INSERT_EVENTS(conn, rows)
    conn.execute(_MOVE_HEAD, {"new_seq": seq, "new_hash": prev})
    queue_deliveries(conn, rows)  # the webhook outbox, in the same transaction as the events


@sa_event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's events wait for the root commit
    if not session.info.get(_PENDING) and not session.info.get(_PREPARED):
        return
    session.flush()  # rows the events refer to (a new case) must exist first
    pending = session.info.pop(_PENDING, [])
    expected, prepared = session.info.pop(_EXPECTED, None), session.info.pop(_PREPARED, None)
    conn = session.connection()
    if prepared is None:
        _append(conn, [p.row for p in pending], expected)
    elif not _send_prepared(conn, prepared, pending) and pending:
        _append(conn, [p.row for p in pending])  # the head had moved: chain from the real one, under its lock


@sa_event.listens_for(Session, "after_soft_rollback")
def _discard_rolled_back(session: Session, previous_transaction) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [p for p in pending if not any(t is previous_transaction for t in p.owners)]


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_on_close(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)  # closed without commit: nothing was written, nothing may linger
        session.info.pop(_EXPECTED, None)
        session.info.pop(_PREPARED, None)
