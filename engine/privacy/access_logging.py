"""The access log: who viewed (or tried to view) which case; one INSERT per access, queried by the privacy role."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import func, insert, select

from engine.base import Actor, load_form
from engine.clock import BERLIN
from engine.db import AccessLog, Case, User
from engine.errors import Forbidden

PAGE_SIZE = 50
ACTION_LABELS = {"view": "Fallseite angesehen", "task": "Aufgabe geöffnet", "export": "Auskunft exportiert",
                 "print": "Dokument erstellt", "download": "Dokument heruntergeladen", "change": "Änderung",
                 "rectify": "Berichtigung geöffnet"}
OUTCOME_LABELS = {"ok": "erlaubt", "refused": "verweigert", "not_found": "nicht gefunden / fremd"}
PRIVACY_ROLES = {"privacy"}


def log_access(uow, user_id: int | None, case_id: str | None, action: str, outcome: str, path: str) -> None:
    """Append one access (its own short transaction: the caller's uow is a fresh writer)."""
    client = select(Case.client_id).where(Case.id == case_id).scalar_subquery()
    with uow:
        uow.session.execute(insert(AccessLog).values(at=uow.clock.now(), user_id=user_id, case_id=case_id,
                                                     client_id=client, action=action[:30], outcome=outcome[:20],
                                                     path=path[:300]))
        uow.commit()


class AccessLogQuery(Schema):
    """Filters of the Zugriffsprotokoll page."""

    class Meta:
        unknown = EXCLUDE

    reference = fields.String(load_default="", validate=validate.Length(max=20, error="Höchstens 20 Zeichen."))
    user = fields.String(load_default="", validate=validate.Length(max=80, error="Höchstens 80 Zeichen."))
    date_from = fields.Date(data_key="von", load_default=None, allow_none=True,
                            error_messages={"invalid": "Bitte ein gültiges Datum (TT.MM.JJJJ)."})
    date_to = fields.Date(data_key="bis", load_default=None, allow_none=True,
                          error_messages={"invalid": "Bitte ein gültiges Datum (TT.MM.JJJJ)."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000, error="Ungültige Seite."),
                          error_messages={"invalid": "Ungültige Seite."})


@dataclass(frozen=True)
class AccessLine:
    """One row of the access log page."""

    at: datetime
    user: str
    case_id: str | None
    reference: str | None
    action: str
    outcome: str
    path: str


def parse_access_query(raw) -> dict:
    """Validated filters (German errors for bad dates)."""
    args = {k: v for k, v in dict(raw).items() if v not in ("", None) or k in ("reference", "user")}
    return load_form(AccessLogQuery(), args, "Die Filter sind ungültig.")


def access_log(uow, actor: Actor, flt: dict, everything: bool = False) -> tuple[list[AccessLine], int]:
    """One page of the access log, newest first (everything=True: all matching rows, for the CSV)."""
    if actor.role not in PRIVACY_ROLES:
        raise Forbidden("Das Zugriffsprotokoll ist dem Datenschutz vorbehalten.")
    stmt = select(AccessLog.id)
    if flt.get("reference"):
        ids = select(Case.id).where(func.lower(Case.reference) == flt["reference"].strip().lower())
        stmt = stmt.where(AccessLog.case_id.in_(ids))
    if flt.get("user"):
        users = select(User.id).where(func.lower(User.username) == flt["user"].strip().lower())
        stmt = stmt.where(AccessLog.user_id.in_(users))
    if flt.get("date_from"):
        stmt = stmt.where(AccessLog.at >= _start(flt["date_from"]))
    if flt.get("date_to"):
        stmt = stmt.where(AccessLog.at < _start(flt["date_to"] + timedelta(days=1)))
    total = uow.session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page = stmt.order_by(AccessLog.at.desc(), AccessLog.id.desc())
    if not everything:
        page = page.limit(PAGE_SIZE).offset((flt.get("page", 1) - 1) * PAGE_SIZE)
    page = page.subquery()
    rows = uow.session.execute(
        select(AccessLog.at, User.username, User.display_name, AccessLog.case_id, Case.reference, AccessLog.action,
               AccessLog.outcome, AccessLog.path)
        .join(page, page.c.id == AccessLog.id).outerjoin(User, User.id == AccessLog.user_id)
        .outerjoin(Case, Case.id == AccessLog.case_id).order_by(AccessLog.at.desc(), AccessLog.id.desc()))
    return [AccessLine(r.at, f"{r.display_name} ({r.username})" if r.username else "–", r.case_id, r.reference,
                       r.action, r.outcome, r.path) for r in rows], total


def access_log_csv(lines: list[AccessLine]) -> str:
    """The filtered log as CSV (semicolon, German headers) for the data-protection officer's files."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Zeitpunkt", "Benutzer/in", "Aktenzeichen", "Fall-ID", "Aktion", "Ergebnis", "Adresse"])
    for line in lines:
        writer.writerow([line.at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M:%S"), _cell(line.user),
                         line.reference or "", line.case_id or "", ACTION_LABELS.get(line.action, line.action),
                         OUTCOME_LABELS.get(line.outcome, line.outcome), _cell(line.path)])
    return out.getvalue()


def _cell(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=BERLIN)
