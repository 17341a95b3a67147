"""Verifying the event chain: stream every event in seq order, recompute, report the first broken link.

Detects changed rows (payload, time, person, case or kind), deleted rows (a gap in seq, or a head that points
past the last row — deleting the last event included), reordered or inserted rows (a link that does not point
to its predecessor) and a chain recomputed after an earlier successful check (the anchor of the last OK run).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.base import GENESIS, HEAD_ID, chain_hash, payload_digest
from engine.clock import BERLIN
from engine.db import Event, EventChainHead

REDACTION = "event_redacted"


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not hold: position, row id (when the row exists) and what is wrong."""

    seq: int | None
    event_id: int | None
    message: str


@dataclass
class ChainReport:
    """Outcome of one verification."""

    checked: int = 0
    redacted: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: BrokenLink | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every link holds."""
        return self.broken is None


def _name(row) -> str:
    return (f"Ereignis ID {row.id} (Position {row.seq}, „{row.kind}“ vom "
            f"{row.at.astimezone(BERLIN):%d.%m.%Y %H:%M:%S})")


def _redactions(conn, head_seq: int) -> dict[int, str]:
    # Authorised redactions: position -> digest of the payload that replaced the original. Each redaction
    # event is itself a chain link, so forging one breaks the chain where it stands.
    rows = conn.execute(select(Event.payload).where(Event.kind == REDACTION, Event.seq <= head_seq)
                        .order_by(Event.seq))
    return {p.get("seq"): p.get("digest") for (p,) in rows if isinstance(p, dict)}


def _check_row(row, expected: int, prev: str, redactions: dict, report: ChainReport) -> BrokenLink | None:
    if row.seq != expected:
        missing = f"{expected}" if row.seq == expected + 1 else f"{expected} bis {row.seq - 1}"
        return BrokenLink(expected, row.id, f"Lücke in der Kette: Position {missing} fehlt (gelöscht?); "
                                            f"danach folgt {_name(row)}.")
    if row.prev_hash != prev:
        return BrokenLink(row.seq, row.id, f"{_name(row)} verweist nicht auf seinen Vorgänger: Reihenfolge "
                                           "verändert, Ereignis eingeschoben oder Vorgänger verändert.")
    digest = payload_digest(row.payload)
    if digest != row.payload_digest:
        if redactions.get(row.seq) != digest:
            return BrokenLink(row.seq, row.id, f"Der Inhalt von {_name(row)} wurde verändert (die Prüfsumme "
                                               "der Nutzdaten stimmt nicht, keine genehmigte Schwärzung).")
        report.redacted += 1
    if chain_hash(prev, row.seq, row.at, row.actor_id, row.case_id, row.kind, row.payload_digest) != row.hash:
        return BrokenLink(row.seq, row.id, f"{_name(row)} wurde verändert: Zeitpunkt, Person, Fall, Art oder "
                                           "Prüfsumme passen nicht zum gespeicherten Hash.")
    return None


def verify_chain(conn, batch: int = 10_000, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Check the whole chain on a connection, streaming in batches; `anchor` is (seq, hash) of an earlier OK run."""
    started = time.perf_counter()
    report = ChainReport()
    head = conn.execute(select(EventChainHead.seq, EventChainHead.hash,
                               select(func.max(Event.seq)).scalar_subquery())
                        .where(EventChainHead.id == HEAD_ID)).first()
    if head is None:
        last = conn.execute(select(func.max(Event.seq))).scalar()
        head = (0, GENESIS, last)
        if last is not None:
            report.broken = BrokenLink(None, None, "Der Kettenkopf fehlt: die Kette kann nicht bis zum Ende "
                                                   "geprüft werden (Tabelle event_chain_head geleert?).")
    report.head_seq, report.head_hash, max_seq = head
    redactions = _redactions(conn, report.head_seq)
    t = Event.__table__
    columns = (t.c.id, t.c.seq, t.c.at, t.c.actor_id, t.c.case_id, t.c.kind, t.c.payload, t.c.payload_digest,
               t.c.prev_hash, t.c.hash)
    prev, last_row, expected = GENESIS, None, 1
    while report.broken is None:
        rows = conn.execute(select(*columns).where(t.c.seq >= expected, t.c.seq <= report.head_seq)
                            .order_by(t.c.seq).limit(batch)).all()
        for row in rows:
            report.broken = _check_row(row, expected, prev, redactions, report)
            if report.broken is None and anchor and row.seq == anchor[0] and row.hash != anchor[1]:
                report.broken = BrokenLink(row.seq, row.id, f"{_name(row)} weicht vom Stand einer früheren "
                                                            "erfolgreichen Prüfung ab (Kette neu berechnet?).")
            if report.broken is not None:
                break
            report.checked += 1
            prev, last_row, expected = row.hash, row, row.seq + 1
        if len(rows) < batch:
            break
    if report.broken is None:
        report.broken = _check_end(report, last_row, prev, max_seq, anchor)
    report.seconds = time.perf_counter() - started
    return report


def _check_end(report: ChainReport, last_row, prev: str, max_seq: int | None, anchor) -> BrokenLink | None:
    last_seq = last_row.seq if last_row is not None else 0
    after = f"nach {_name(last_row)}" if last_row is not None else "am Anfang der Kette"
    if report.head_seq > last_seq:
        missing = (f"Position {report.head_seq}" if report.head_seq == last_seq + 1
                   else f"Positionen {last_seq + 1} bis {report.head_seq}")
        return BrokenLink(last_seq + 1, None, f"Das Ende der Kette fehlt: {missing} gelöscht ({after}).")
    if report.head_hash != prev:
        return BrokenLink(last_seq, last_row.id if last_row else None,
                          f"Der Kettenkopf passt nicht zum letzten Ereignis ({after}).")
    if max_seq is not None and max_seq > report.head_seq:
        return BrokenLink(report.head_seq + 1, None, f"Hinter dem Kettenkopf stehen Ereignisse ab Position "
                                                     f"{report.head_seq + 1} (nachträglich eingefügt?).")
    if anchor and anchor[0] > report.head_seq:
        return BrokenLink(anchor[0], None, f"Die Kette ist kürzer als bei einer früheren erfolgreichen Prüfung "
                                           f"(damals Position {anchor[0]}, jetzt {report.head_seq}).")
    return None
