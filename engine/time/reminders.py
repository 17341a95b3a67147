"""Deadline reminders: one set-based pass writes what falls due today into the inbox table, each reminder once.

The unique key of `reminder` (case, kind, stage, period, recipient) is what makes a reminder happen once: the pass
selects the candidates that do not exist yet and inserts them with ON CONFLICT DO NOTHING, so a second pass on
the same day, or two schedulers running at once, add nothing. Day arithmetic is on Berlin calendar dates only,
so the DST changes cannot shift a reminder by a day.
"""
from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import String, and_, cast, exists, func, literal, null, select, union_all
from sqlalchemy import case as sql_case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from engine.base import load_deadlines, record_event
from engine.db import Appointment, Case, Client, OpenTask, Partner, Referral, Reminder, User
from engine.workflow import add_duration, parse_duration

# The reminder kind of a task, from the step its BPMN task declares; other tasks with a due date are plain "task".
REMINDER_STEPS = ("assessment", "target_agreement", "review")
COUNSELLING_END = "counselling_end"
REFERRAL, APPOINTMENT = "referral", "appointment"
_TITLE_MAX = 300

# Reminders only for open cases that may be processed (a withdrawn consent stops them).
_ACTIVE = (Case.status == "open", Case.processing_restricted.is_(False))


def run_reminder_pass(container) -> int:
    """Write today's due reminders (upcoming, overdue, escalation, counselling end); returns how many are new."""
    uow = container.uow()
    with uow:
        today = uow.clock.today()
        rows = uow.session.execute(_candidates(today, load_deadlines(uow.session))).all()
        values = [_reminder_values(row, today, uow.clock.now()) for row in rows]
        created = _insert_new(uow.session, values) if values else 0
        _announce_overdue(uow, values, today)
        uow.commit()
        return created


def _announce_overdue(uow, values: list[dict], today: date) -> None:
    """Record `deadline_overdue` once per task, on the first day its overdue reminders are written.

    The event log (and through it the webhook outbox) learns of an overdue task once; the inbox keeps its daily
    reminders. A pass that did not run on the first overdue day announces it on the next day it runs.
    """
    overdue = {v["task_id"]: v for v in values if v["stage"] == "overdue" and v["task_id"]}
    if not overdue:
        return
    earlier = set(uow.session.execute(select(Reminder.task_id).where(
        Reminder.task_id.in_(overdue), Reminder.stage == "overdue", Reminder.period < today.isoformat())).scalars())
    for task_id, v in sorted(overdue.items()):
        if task_id not in earlier:
            record_event(uow, "deadline_overdue", None, v["case_id"], task_id=task_id, step=v["kind"],
                         due_on=v["due_on"].isoformat())


def _candidates(today: date, deadlines: dict[str, str]):
    """One UNION ALL over the four reminder sources, each leaving out reminders that already exist."""
    lead, escalate, warn = deadlines["reminder_lead"], deadlines["escalation_after"], deadlines["counselling_warning"]
    # "today >= due − lead" and "today > due + escalation" as plain bounds on the due date.
    last_upcoming = _latest(lambda due: _subtract(due, lead) <= today, _add(today, lead))
    last_escalation = _latest(lambda due: _add(due, escalate) < today, _subtract(today, escalate))
    last_counselling = _latest(lambda end: _subtract(end, warn) <= today, _add(today, warn))
    return union_all(
        # Upcoming only until the due date: from then on the overdue reminders take over.
        _task_reminders("upcoming", OpenTask.due_on.between(today, last_upcoming)),
        _task_reminders("overdue", OpenTask.due_on < today, period=today.isoformat()),
        _escalations(OpenTask.due_on <= last_escalation),
        _counselling_end(Case.counselling_end <= last_counselling),
        _upcoming_reviews(Case.next_review_due.between(today, last_upcoming)),
        # A follow-up missed while no pass ran is still reminded of (no lower bound).
        _referral_follow_ups(Referral.follow_up_on <= last_upcoming),
        _appointments(Appointment.day.between(today, today + timedelta(days=1))),
    )


def _kind():
    return sql_case((OpenTask.step.in_(REMINDER_STEPS), OpenTask.step), else_="task")


def _task_base():
    """Open tasks with a due date of open cases, with the client and who holds the task (active users only)."""
    assignee, responsible = aliased(User), aliased(User)
    holder = func.coalesce(assignee.display_name, responsible.display_name)
    stmt = (select(OpenTask.case_id, OpenTask.id.label("task_id"), _kind().label("kind"), OpenTask.due_on,
                   OpenTask.title.label("subject"), Client.last_name, Client.first_name, holder.label("holder"))
            .join(Case, Case.id == OpenTask.case_id).join(Client, Client.id == Case.client_id)
            .outerjoin(assignee, and_(assignee.id == OpenTask.assignee_id, assignee.active.is_(True)))
            .outerjoin(responsible, and_(responsible.id == Case.responsible_user_id, responsible.active.is_(True)))
            .where(*_ACTIVE, OpenTask.due_on.is_not(None)))
    # Unassigned (or assigned to someone who left): the case's responsible caseworker is reminded instead.
    return stmt, func.coalesce(assignee.id, responsible.id)


def _task_reminders(stage: str, due_condition, period: str | None = None):
    """Upcoming and overdue reminders to the task's holder."""
    stmt, recipient = _task_base()
    stmt = stmt.add_columns(_text(stage).label("stage"), recipient.label("recipient_id"))
    # Already there: for upcoming, the same due date; for overdue, the same day (at most one a day).
    done = (Reminder.period == period) if period else (Reminder.due_on == OpenTask.due_on)
    return stmt.where(due_condition, recipient.is_not(None),
                      ~_exists(OpenTask.case_id, _kind(), stage, recipient, done))


def _escalations(due_condition):
    """Escalations to every active supervisor of the case's organisation."""
    supervisor = aliased(User)
    stmt, _ = _task_base()
    stmt = (stmt.add_columns(_text("escalation").label("stage"), supervisor.id.label("recipient_id"))
            .join(supervisor, and_(supervisor.organisation_id == Case.organisation_id,
                                   supervisor.role == "supervisor", supervisor.active.is_(True))))
    return stmt.where(due_condition, ~_exists(OpenTask.case_id, _kind(), "escalation", supervisor.id,
                                              Reminder.due_on == OpenTask.due_on))


def _counselling_end(end_condition):
    """The warning before an open case's counselling period ends, to the responsible caseworker."""
    responsible = aliased(User)
    stmt = (select(Case.id.label("case_id"), null().cast(String(36)).label("task_id"),
                   _text(COUNSELLING_END).label("kind"), Case.counselling_end.label("due_on"),
                   _text("").label("subject"), Client.last_name, Client.first_name,
                   responsible.display_name.label("holder"), _text("upcoming").label("stage"),
                   responsible.id.label("recipient_id"))
            .join(Client, Client.id == Case.client_id)
            .join(responsible, and_(responsible.id == Case.responsible_user_id, responsible.active.is_(True)))
            .where(*_ACTIVE, Case.counselling_end.is_not(None), end_condition,
                   ~_exists(Case.id, COUNSELLING_END, "upcoming", responsible.id,
                            Reminder.due_on == Case.counselling_end)))
    return stmt


def _upcoming_reviews(due_condition):
    """Reviews whose task does not exist yet (it appears when its timer fires): announce them ahead."""
    responsible = aliased(User)
    review_open = exists().where(OpenTask.case_id == Case.id, OpenTask.step == "review")
    return (select(Case.id.label("case_id"), null().cast(String(36)).label("task_id"), _text("review").label("kind"),
                   Case.next_review_due.label("due_on"), _text("Fortschreibung des Integrationsplans").label("subject"),
                   Client.last_name, Client.first_name, responsible.display_name.label("holder"),
                   _text("upcoming").label("stage"), responsible.id.label("recipient_id"))
            .join(Client, Client.id == Case.client_id)
            .join(responsible, and_(responsible.id == Case.responsible_user_id, responsible.active.is_(True)))
            .where(*_ACTIVE, Case.next_review_due.is_not(None), due_condition, ~review_open,
                   ~_exists(Case.id, "review", "upcoming", responsible.id, Reminder.due_on == Case.next_review_due)))


def _referral_follow_ups(due_condition):
    """Open referrals whose follow-up is due within the lead time, to the case's responsible caseworker."""
    responsible = aliased(User)
    return (select(Case.id.label("case_id"), null().cast(String(36)).label("task_id"), _text(REFERRAL).label("kind"),
                   Referral.follow_up_on.label("due_on"), Partner.name.label("subject"),
                   Client.last_name, Client.first_name, responsible.display_name.label("holder"),
                   _text("upcoming").label("stage"), responsible.id.label("recipient_id"))
            .select_from(Referral).join(Case, Case.id == Referral.case_id)
            .join(Partner, Partner.id == Referral.partner_id)
            .join(Client, Client.id == Case.client_id)
            .join(responsible, and_(responsible.id == Case.responsible_user_id, responsible.active.is_(True)))
            .where(*_ACTIVE, Referral.outcome == "offen", Referral.follow_up_on.is_not(None), due_condition,
                   ~_exists(Case.id, REFERRAL, "upcoming", responsible.id, Reminder.due_on == Referral.follow_up_on)))


def _appointments(day_condition):
    """The day before a planned appointment (or on the day, if the pass missed it), to whoever holds it."""
    holder = aliased(User)
    return (select(Case.id.label("case_id"), null().cast(String(36)).label("task_id"),
                   _text(APPOINTMENT).label("kind"), Appointment.day.label("due_on"),
                   _text("Beratungstermin").label("subject"), Client.last_name, Client.first_name,
                   holder.display_name.label("holder"), _text("upcoming").label("stage"),
                   holder.id.label("recipient_id"))
            .select_from(Appointment).join(Case, Case.id == Appointment.case_id)
            .join(Client, Client.id == Case.client_id)
            # The holder must still work for the case's organisation (a handed-over case's appointments go quiet).
            .join(holder, and_(holder.id == Appointment.caseworker_id, holder.active.is_(True),
                               holder.organisation_id == Case.organisation_id))
            .where(*_ACTIVE, Appointment.status == "planned", day_condition,
                   ~_exists(Case.id, APPOINTMENT, "upcoming", holder.id, Reminder.due_on == Appointment.day)))


def _text(value: str):
    # Typed, so PostgreSQL can match the UNION's columns without guessing a parameter's type.
    return cast(literal(value), String(40))


def _exists(case_id, kind, stage: str, recipient, same_period):
    return exists().where(Reminder.case_id == case_id, Reminder.kind == kind, Reminder.stage == stage,
                          Reminder.recipient_id == recipient, same_period)


def _reminder_values(row, today: date, now) -> dict:
    period = today.isoformat() if row.stage == "overdue" else row.due_on.isoformat()
    return {"case_id": row.case_id, "task_id": row.task_id, "kind": row.kind, "stage": row.stage, "period": period,
            "recipient_id": row.recipient_id, "title": _title(row, today)[:_TITLE_MAX], "due_on": row.due_on,
            "created_at": now, "read_at": None}


def _title(row, today: date) -> str:
    """The German line shown in the inbox."""
    client = f"{row.last_name}, {row.first_name}"
    due = f"{row.due_on:%d.%m.%Y}"
    if row.kind == REFERRAL:
        return f"Rückmeldung zur Vermittlung an {row.subject} fällig am {due} – {client}"
    if row.kind == APPOINTMENT:
        return f"Beratungstermin am {due} – {client}"
    if row.kind == COUNSELLING_END:
        verb = "endet" if row.due_on >= today else "endete"
        return f"Beratungszeitraum {verb} am {due} – {client}"
    if row.stage == "upcoming":
        return f"{row.subject} fällig am {due} – {client}"
    if row.stage == "overdue":
        return f"Überfällig: {row.subject} (fällig am {due}) – {client}"
    days = (today - row.due_on).days
    since = "seit einem Tag" if days == 1 else f"seit {days} Tagen"
    return f"Eskalation: {row.subject} – {client} {since} überfällig (zuständig: {row.holder or 'niemand'})"


def _insert_new(session, values: list[dict]) -> int:
    """One executemany insert that skips reminders a concurrent pass wrote first; returns the rows written."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Reminder.__table__).on_conflict_do_nothing().returning(Reminder.__table__.c.id)
    return len(session.connection().execute(stmt, values).all())


def _add(day: date, duration: str) -> date:
    return date.fromisoformat(add_duration(day, duration))


def _subtract(day: date, duration: str) -> date:
    """`day` minus an ISO duration, months clamped to the month's end like `add_duration`."""
    years, months, days = parse_duration(duration)
    month_index = day.month - 1 - months - 12 * years
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])) - timedelta(days=days)


def _latest(reached: Callable[[date], bool], estimate: date) -> date:
    """The latest date for which `reached` holds (it holds for every earlier date), searched from `estimate`.

    Month durations do not invert exactly (31 May − P1M = 30 Apr, but 30 Apr + P1M = 30 May), so the estimate is
    corrected by a few days; the database then compares against one bound, `due_on <= X`.
    """
    day = estimate
    while not reached(day):
        day -= timedelta(days=1)
    while reached(day + timedelta(days=1)):
        day += timedelta(days=1)
    return day
