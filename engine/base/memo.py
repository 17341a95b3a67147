"""Results kept in memory while the data they were computed from is unchanged.

The compliance page and its three charts are four requests for one evaluation of every rule; a parsed rules file
is the same for as long as its text and the deployed process are; a state report PDF is the same document while
nothing was recorded since. Keys name everything a result depends on: for findings the filters, the as-of day, the
rules version, the deadlines and the head of the hash-chained event log (every change appends an event in commit
order, so an unchanged head means unchanged data). Each worker process has its own small store; nothing is shared
between processes and nothing needs invalidating.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import select

from engine.db import EventChainHead

T = TypeVar("T")
_SIZE = 64
_store: OrderedDict = OrderedDict()
_lock = threading.Lock()


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """The stored result for `key`, computing and storing it first if needed (least recently used leave first)."""
    with _lock:
        if key in _store:
            _store.move_to_end(key)
            return _store[key]
    value = compute()  # outside the lock: two requests may compute the same value once each, never block
    with _lock:
        _store[key] = value
        while len(_store) > _SIZE:
            _store.popitem(last=False)
    return value


def forget_all() -> None:
    """Empty the store (tests that rewrite history underneath it)."""
    with _lock:
        _store.clear()


def event_log_head(session) -> tuple:
    """Position and hash of the newest event: they move with every committed change, and the hash (chained over
    all earlier events) tells two databases with equally long logs apart. One row: the chain's head."""
    head = session.execute(select(EventChainHead.seq, EventChainHead.hash).where(EventChainHead.id == 1)).first()
    return tuple(head) if head else (0, "")
