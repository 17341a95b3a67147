"""The caseworker's week ("Meine Woche"): their appointments Monday to Sunday, in one indexed query."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from engine.base import Actor, load_form
from engine.db import Appointment, Case, Client

from .schemas import WeekQuery


@dataclass(frozen=True)
class WeekEntry:
    """One appointment in the week view."""

    appointment: Appointment
    case_id: str
    reference: str
    client_name: str


@dataclass
class WeekDay:
    """One day of the week with its appointments in time order."""

    day: date
    entries: list[WeekEntry] = field(default_factory=list)


@dataclass
class Week:
    """Monday to Sunday of one week."""

    monday: date
    today: date
    days: list[WeekDay]

    @property
    def previous(self) -> date:
        """Monday of the week before."""
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        """Monday of the week after."""
        return self.monday + timedelta(days=7)

    @property
    def sunday(self) -> date:
        """Last day shown."""
        return self.monday + timedelta(days=6)

    @property
    def count(self) -> int:
        """Planned appointments in the week (cancelled ones not counted)."""
        return sum(1 for d in self.days for e in d.entries if e.appointment.status == "planned")


def my_week(uow, actor: Actor, raw: Mapping) -> Week:
    """The actor's own appointments of the week containing the given day (default: this week)."""
    args = load_form(WeekQuery(), raw, "Die Woche ist ungültig.")
    today = uow.clock.today()
    anchor = args["week"] or today
    monday = anchor - timedelta(days=anchor.weekday())
    days = [WeekDay(monday + timedelta(days=i)) for i in range(7)]
    stmt = (select(Appointment, Case.reference, Client.first_name, Client.last_name)
            .join(Case, Case.id == Appointment.case_id).join(Client, Client.id == Case.client_id)
            .where(Appointment.caseworker_id == actor.id, Appointment.day.between(monday, days[-1].day),
                   # A case handed to another organisation leaves this week with it.
                   Case.organisation_id == actor.organisation_id)
            .order_by(Appointment.day, Appointment.start_time, Appointment.id))
    for appointment, reference, first, last in uow.session.execute(stmt):
        days[(appointment.day - monday).days].entries.append(
            WeekEntry(appointment, appointment.case_id, reference, f"{last}, {first}"))
    return Week(monday, today, days)
