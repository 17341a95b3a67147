"""The Prüfpfad for compliance: run a chain verification, keep its result, show recent runs."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from engine.base import Actor, read_head
from engine.db import AuditVerification, User
from engine.errors import Forbidden

from .verify import ChainReport, verify_chain

AUDITORS = {"compliance", "admin"}
RECENT_RUNS = 20
# Chains up to this length are verified while the user waits (a few seconds); longer ones in the background, since
# a million events take about a minute and a web request must not (gunicorn stops a worker after 30 s).
INLINE_LIMIT = 200_000
log = logging.getLogger("integraflow.audit")
_background: dict[str, threading.Thread] = {}
_background_lock = threading.Lock()


def require_auditor(actor: Actor) -> None:
    """Only compliance and administration look at and check the audit trail."""
    if actor.role not in AUDITORS:
        raise Forbidden("Den Prüfpfad sehen nur Fachaufsicht/Controlling und Administration.")


def _anchor(session) -> tuple[int, str] | None:
    row = session.execute(select(AuditVerification.head_seq, AuditVerification.head_hash)
                          .where(AuditVerification.ok.is_(True))
                          .order_by(AuditVerification.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def run_verification(container, source: str, actor: Actor | None = None,
                     batch: int = 10_000) -> tuple[AuditVerification, ChainReport]:
    """Verify the whole chain (read-only), then store the run; returns the stored run and the report."""
    if actor is not None:
        require_auditor(actor)
    with container.reader() as reader:
        started_at = reader.clock.now()
        report = verify_chain(reader.session.connection(), batch=batch, anchor=_anchor(reader.session))
    broken = report.broken
    uow = container.uow()
    with uow:
        run = AuditVerification(started_at=started_at, seconds=report.seconds, source=source,
                                triggered_by=actor.id if actor else None, ok=report.ok,
                                events_checked=report.checked, redacted=report.redacted,
                                head_seq=report.head_seq, head_hash=report.head_hash,
                                broken_seq=broken.seq if broken else None,
                                broken_event_id=broken.event_id if broken else None,
                                problem=broken.message if broken else None)
        uow.session.add(run)
        uow.commit()
    return run, report


def start_verification(container, source: str, actor: Actor,
                       inline_limit: int = INLINE_LIMIT) -> AuditVerification | None:
    """Verify now: short chains at once (returns the run), long ones in a background thread (returns None).

    Only one background verification runs per process; asking again while it runs starts nothing new.
    """
    require_auditor(actor)
    with container.reader() as reader:
        head = read_head(reader.session.connection())
    if head is None or head[0] <= inline_limit:
        return run_verification(container, source, actor)[0]
    with _background_lock:
        running = _background.get("verify")
        if running is None or not running.is_alive():
            thread = threading.Thread(target=_verify_quietly, args=(container, source, actor), daemon=True,
                                      name="audit-verify")
            _background["verify"] = thread
            thread.start()
    return None


def wait_for_background_verification(timeout: float | None = None) -> None:
    """Block until a background verification of this process has finished (CLI shutdown, tests)."""
    thread = _background.get("verify")
    if thread is not None:
        thread.join(timeout)


def _verify_quietly(container, source: str, actor: Actor) -> None:
    try:
        run_verification(container, source, actor)
    except Exception:  # noqa: BLE001 - a background failure is logged; the page keeps showing the last run
        log.exception("background verification of the audit chain failed")


@dataclass
class AuditOverview:
    """What the Prüfpfad page shows."""

    last: AuditVerification | None
    runs: list[AuditVerification]
    events: int
    users: dict[int, str] = field(default_factory=dict)


def audit_overview(uow, actor: Actor) -> AuditOverview:
    """The last verification, the recent runs and the current length of the chain."""
    require_auditor(actor)
    s = uow.session
    runs = list(s.execute(select(AuditVerification).order_by(AuditVerification.id.desc())
                          .limit(RECENT_RUNS)).scalars())
    head = read_head(s.connection())
    ids = {r.triggered_by for r in runs} - {None}
    users = dict(s.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}
    return AuditOverview(last=runs[0] if runs else None, runs=runs, events=head[0] if head else 0, users=users)
