"""Retention: closed cases are anonymised once the configurable period after closure has passed.

A client is anonymised when every one of their cases is closed and past the period (a client with a running
case keeps their data). Clients are processed in batches, each batch one transaction, so 10,000 due cases are
a few hundred short transactions; a case already anonymised is never selected again (idempotent).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from engine.base import Actor, record_event
from engine.db import Case, Setting
from engine.errors import Forbidden, InvalidInput
from engine.workflow import add_duration, parse_duration

from .anonymise import anonymise_clients

SETTING_KEY = "retention"
DEFAULT_RETENTION = "P3Y"  # data kept this long after closure (domain.md: configurable retention period)
RETENTION_ROLES = {"privacy", "admin"}


@dataclass(frozen=True)
class RetentionRun:
    """What one run did (or, dry, would do)."""

    retention: str
    cutoff: date
    clients: int
    cases: int
    dry_run: bool


def load_retention(session) -> str:
    """The retention period after closure (ISO duration), stored value over the default."""
    stored = session.execute(select(Setting.value).where(Setting.key == SETTING_KEY)).scalar_one_or_none()
    return (stored or {}).get("closed_cases", DEFAULT_RETENTION) if isinstance(stored, dict) else DEFAULT_RETENTION


def set_retention(uow, actor: Actor, value: str) -> str:
    """Change the retention period (data protection or admin); at least one year, at most thirty."""
    value = (value or "").strip().upper()
    if actor.role not in RETENTION_ROLES:
        raise Forbidden("Die Aufbewahrungsfrist legen Datenschutz oder Administration fest.")
    try:
        parse_duration(value)
        end = date.fromisoformat(add_duration(date(2000, 1, 1), value))
    except ValueError:
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                           {"retention": "Bitte eine Dauer wie P3Y (3 Jahre) oder P30M (30 Monate) angeben."},
                           {"retention": value}) from None
    if not date(2001, 1, 1) <= end <= date(2030, 1, 1):
        raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                           {"retention": "Die Frist muss zwischen einem und dreißig Jahren liegen."},
                           {"retention": value})
    with uow:
        row = uow.session.get(Setting, SETTING_KEY)
        before = load_retention(uow.session)
        if row is None:
            uow.session.add(Setting(key=SETTING_KEY, value={"closed_cases": value}))
        else:
            row.value = {**(row.value if isinstance(row.value, dict) else {}), "closed_cases": value}
        record_event(uow, "retention_changed", actor.id, None, before=before, after=value)
        uow.commit()
    return value


def cutoff_date(today: date, retention: str) -> date:
    """Cases closed on or before this day are past the retention period (today minus the period)."""
    years, months, days = parse_duration(retention)
    total = today.year * 12 + today.month - 1 - years * 12 - months
    year, month = divmod(total, 12)
    day = min(today.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day) - timedelta(days=days)


def due_clients(cutoff: date):
    """Clients all of whose cases are closed on or before the cutoff and not yet anonymised."""
    other = aliased(Case)
    still_needed = exists().where(other.client_id == Case.client_id,
                                  or_(other.status != "closed", other.closed_on.is_(None), other.closed_on > cutoff))
    return (select(Case.client_id)
            .where(Case.status == "closed", Case.anonymised_at.is_(None), Case.closed_on <= cutoff, ~still_needed)
            .group_by(Case.client_id))


def overview(uow) -> dict:
    """Figures for the retention page: period, cutoff, due clients and cases, anonymised so far."""
    retention = load_retention(uow.session)
    cutoff = cutoff_date(uow.clock.today(), retention)
    due = due_clients(cutoff).subquery()
    s = uow.session
    return {"retention": retention, "cutoff": cutoff,
            "due_clients": s.execute(select(func.count()).select_from(due)).scalar_one(),
            "due_cases": s.execute(select(func.count()).where(Case.client_id.in_(select(due.c.client_id)),
                                                              Case.anonymised_at.is_(None))).scalar_one(),
            "anonymised_cases": s.execute(select(func.count()).where(Case.anonymised_at.is_not(None))).scalar_one(),
            "closed_cases": s.execute(select(func.count()).where(and_(Case.status == "closed",
                                                                      Case.anonymised_at.is_(None)))).scalar_one()}


def anonymise_due_cases(container, dry_run: bool = False, batch: int = 200) -> RetentionRun:
    """Anonymise every client whose cases are past the retention period, one transaction per batch."""
    with container.reader() as r:
        figures = overview(r)
    if dry_run:
        return RetentionRun(figures["retention"], figures["cutoff"], figures["due_clients"], figures["due_cases"],
                            True)
    clients = cases = 0
    while True:
        uow = container.uow()
        with uow:
            ids = list(uow.session.execute(due_clients(figures["cutoff"]).order_by(Case.client_id).limit(batch))
                       .scalars())
            if not ids:
                break
            cases += len(anonymise_clients(uow, ids, figures["retention"], container.documents))
            clients += len(ids)
            uow.commit()
    return RetentionRun(figures["retention"], figures["cutoff"], clients, cases, False)
