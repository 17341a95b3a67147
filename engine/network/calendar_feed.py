"""The personal iCal feed: a secret-token URL per caseworker (only its hash stored), revocable, names opt-in."""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from engine.base import Actor, load_form, record_event
from engine.clock import BERLIN
from engine.db import Appointment, CalendarFeed, Case, Client, User
from engine.errors import NotFound

from .schemas import FeedForm

# How far back the feed reaches: calendar programs keep what they have seen, the feed stays small.
PAST_DAYS = 60
FEED_LIMIT = 2000
UID_DOMAIN = "integraflow"


@dataclass(frozen=True)
class FeedStatus:
    """Whether the actor has an active feed and how it names clients."""

    active: CalendarFeed | None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_status(uow, actor: Actor) -> FeedStatus:
    """The actor's active feed, if any (the token itself is never shown again)."""
    feed = uow.session.execute(select(CalendarFeed).where(CalendarFeed.user_id == actor.id,
                                                          CalendarFeed.revoked_at.is_(None))).scalars().first()
    return FeedStatus(feed)


def issue_feed(uow, actor: Actor, raw: Mapping) -> str:
    """A new feed token for the actor (any earlier one stops working); returns the token, shown once."""
    data = load_form(FeedForm(), raw)
    with uow:
        now = uow.clock.now()
        _revoke_all(uow, actor, now)
        token = secrets.token_urlsafe(32)
        uow.session.add(CalendarFeed(user_id=actor.id, token_hash=_hash(token), names=data["names"], created_at=now))
        record_event(uow, "calendar_feed_issued", actor.id, None, names=data["names"])
        uow.commit()
        return token


def revoke_feed(uow, actor: Actor) -> bool:
    """Stop the actor's feed; returns whether there was one."""
    with uow:
        revoked = _revoke_all(uow, actor, uow.clock.now())
        if revoked:
            record_event(uow, "calendar_feed_revoked", actor.id, None)
        uow.commit()
        return revoked


def _revoke_all(uow, actor: Actor, now: datetime) -> bool:
    feeds = list(uow.session.execute(select(CalendarFeed).where(CalendarFeed.user_id == actor.id,
                                                                CalendarFeed.revoked_at.is_(None))).scalars())
    for feed in feeds:
        feed.revoked_at = now
    return bool(feeds)


def feed_ics(uow, token: str) -> bytes:
    """The iCal document for a feed token: the holder's appointments; NotFound for unknown or revoked tokens."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound("Dieser Kalender existiert nicht.")
    row = uow.session.execute(select(CalendarFeed, User).join(User, User.id == CalendarFeed.user_id).where(
        CalendarFeed.token_hash == _hash(token), CalendarFeed.revoked_at.is_(None),
        User.active.is_(True))).first()
    if row is None:
        raise NotFound("Dieser Kalender existiert nicht.")
    feed, user = row
    since = uow.clock.today() - timedelta(days=PAST_DAYS)
    stmt = (select(Appointment, Case.reference, Client.first_name, Client.last_name, Case.closed_on)
            .join(Case, Case.id == Appointment.case_id).join(Client, Client.id == Case.client_id)
            .where(Appointment.caseworker_id == user.id, Appointment.day >= since,
                   Case.organisation_id == user.organisation_id)
            .order_by(Appointment.day, Appointment.start_time).limit(FEED_LIMIT))
    calendar = Calendar()
    calendar.add("prodid", "-//Integraflow//Termine//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Integraflow – {user.display_name}")
    for appointment, reference, first, last, closed_on in uow.session.execute(stmt):
        # An appointment after the case was closed will not take place: calendars are told it is cancelled.
        void = closed_on is not None and appointment.day > closed_on
        calendar.add_component(_event(appointment, reference, _name(feed.names, first, last), void))
    return calendar.to_ical()


def _name(names: str, first: str, last: str) -> str | None:
    if names == "full":
        return f"{first} {last}"
    if names == "initials":
        return f"{first[:1]}. {last[:1]}.".upper()
    return None


def _event(appointment: Appointment, reference: str, client: str | None, void: bool = False) -> Event:
    """One VEVENT in UTC (no VTIMEZONE needed), UID stable across changes, SEQUENCE raised on each change."""
    start = datetime.combine(appointment.day, appointment.start_time, tzinfo=BERLIN).astimezone(UTC)
    event = Event()
    event.add("uid", f"{appointment.id}@{UID_DOMAIN}")
    event.add("dtstamp", appointment.updated_at.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=appointment.duration_minutes))
    event.add("sequence", appointment.sequence)
    event.add("summary", f"Beratungstermin – {client}" if client else "Beratungstermin")
    event.add("location", "Hausbesuch" if appointment.home_visit else (appointment.place or ""))
    lines = [f"Fall {reference}"]
    if appointment.interpreter_needed:
        lines.append(f"Dolmetschung: {appointment.interpreter_language or 'ja'}")
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if void or appointment.status == "cancelled" else "CONFIRMED")
    return event
