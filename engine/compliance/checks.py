"""Set-based SQL per rule kind: one statement finds every violating or at-risk case in scope.

Each check returns a SELECT of (case_id, state, since, resolved_on): state is 'violation' or 'at_risk', since is
the first day of the violation (for at-risk: the first day it would be violated), resolved_on the day a late step
was done after all (NULL while the violation lasts). Every source is read as of `ctx.cutoff`.
"""
from __future__ import annotations

from sqlalchemy import Date, String, and_, cast, exists, func, literal, null, or_, select, type_coerce, union_all
from sqlalchemy import case as when

from engine.db import Case, CaseDocument, Client, CompletedTask, Contact, Event, Goal, User, UserMunicipality

from .context import CheckContext
from .rule_targets import FORM_PREFIX
from .rules import Rule
from .sql import add_duration_sql, text_date, utc_date

VIOLATION, AT_RISK = "violation", "at_risk"


def _finding(state, since, resolved=None):
    return (when(*state, else_=null()).label("state"), since.label("since"),
            (type_coerce(resolved, Date) if resolved is not None else cast(null(), Date)).label("resolved_on"))


def _rows(query, ctx: CheckContext):
    sub = query.where(*ctx.cases()).subquery()
    return select(sub.c.case_id, sub.c.state, sub.c.since, sub.c.resolved_on).where(sub.c.state.is_not(None))


def is_step(step: str):
    """Completions of a step as a rule names it: a declared step (`assessment`) or the form of any step (`form:x`)."""
    if step.startswith(FORM_PREFIX):
        return CompletedTask.form_key == step[len(FORM_PREFIX):]
    return CompletedTask.step == step


def _first_completion(ctx: CheckContext, step: str, *conditions, name: str = "done"):
    return (select(CompletedTask.case_id.label("case_id"), func.min(CompletedTask.completed_at).label(name))
            .where(is_step(step), CompletedTask.completed_at < ctx.cutoff, *conditions)
            .group_by(CompletedTask.case_id).subquery())


def _first_completion_or_document(ctx: CheckContext, step: str, category: str, *conditions):
    """Like _first_completion, but a document of the category uploaded earlier counts as the step done."""
    done = union_all(
        select(CompletedTask.case_id.label("case_id"), CompletedTask.completed_at.label("at"))
        .where(is_step(step), CompletedTask.completed_at < ctx.cutoff, *conditions),
        select(CaseDocument.case_id.label("case_id"), CaseDocument.uploaded_at.label("at"))
        .where(CaseDocument.category == category, CaseDocument.uploaded_at < ctx.cutoff)).subquery()
    return select(done.c.case_id, func.min(done.c.at).label("done")).group_by(done.c.case_id).subquery()


def step_within(rule: Rule, ctx: CheckContext):
    """The step (with its required fields set) completed within the deadline after intake."""
    p = rule.params
    fields = [CompletedTask.data[f].as_boolean().is_(True) for f in p.get("require_fields") or []]
    if p.get("document_category"):
        done = _first_completion_or_document(ctx, p["step"], p["document_category"], *fields)
    else:
        done = _first_completion(ctx, p["step"], *fields)
    closed = ctx.closed()
    due = add_duration_sql(Case.intake_date, ctx.duration(p["deadline"]))
    done_on = utc_date(done.c.done)
    missing = and_(done.c.done.is_(None), or_(closed.c.closed_at.is_(None), utc_date(closed.c.closed_at) > due))
    state = [(done_on > due, VIOLATION), (and_(missing, due < ctx.as_of), VIOLATION),
             (and_(done.c.done.is_(None), closed.c.closed_at.is_(None), due <= ctx.horizon), AT_RISK)]
    query = (select(Case.id.label("case_id"), *_finding(state, add_duration_sql(due, "P1D"), done_on))
             .outerjoin(done, done.c.case_id == Case.id).outerjoin(closed, closed.c.case_id == Case.id))
    return _rows(query, ctx)


def consent_before(rule: Rule, ctx: CheckContext):
    """Data of the step only after consent was given; at risk while consent is missing and the step is due."""
    p = rule.params
    consent = _first_completion(ctx, p["consent_step"],
                                CompletedTask.data[p["consent_field"]].as_string() == p["consent_value"],
                                name="consent_at")
    data = _first_completion(ctx, p["step"], name="data_at")
    closed = ctx.closed()
    due = add_duration_sql(Case.intake_date, ctx.duration(p["due"]))
    early = and_(data.c.data_at.is_not(None),
                 or_(consent.c.consent_at.is_(None), consent.c.consent_at > data.c.data_at))
    pending = and_(data.c.data_at.is_(None), consent.c.consent_at.is_(None), closed.c.closed_at.is_(None))
    state = [(early, VIOLATION), (and_(pending, due <= ctx.horizon), AT_RISK)]
    since = when((early, utc_date(data.c.data_at)), else_=add_duration_sql(due, "P1D"))
    query = (select(Case.id.label("case_id"), *_finding(state, since, utc_date(consent.c.consent_at)))
             .outerjoin(consent, consent.c.case_id == Case.id).outerjoin(data, data.c.case_id == Case.id)
             .outerjoin(closed, closed.c.case_id == Case.id))
    return _rows(query, ctx)


def review_gap(rule: Rule, ctx: CheckContext):
    """No stretch between consecutive reviews (or to closure, or to the as-of day) longer than interval + grace."""
    p = rule.params
    dated = union_all(*[select(CompletedTask.case_id.label("case_id"),
                               text_date(CompletedTask.data[s["date_field"]].as_string()).label("on"))
                        .where(is_step(s["step"]), CompletedTask.completed_at < ctx.cutoff)
                        for s in p["steps"]]).subquery()
    anchors = (select(dated.c.case_id, dated.c.on,
                      func.lead(dated.c.on).over(partition_by=dated.c.case_id, order_by=dated.c.on).label("next_on"))
               .where(dated.c.on.is_not(None)).subquery())
    closed = ctx.closed()
    limit = add_duration_sql(anchors.c.on, ctx.duration(p["interval"]), ctx.duration(p["grace"]))
    end = when((anchors.c.next_on.is_not(None), anchors.c.next_on),
               (closed.c.closed_at.is_not(None), utc_date(closed.c.closed_at)), else_=null())
    state = [(and_(end.is_not(None), end > limit), VIOLATION),
             (and_(end.is_(None), limit < ctx.as_of), VIOLATION), (and_(end.is_(None), limit <= ctx.horizon), AT_RISK)]
    query = (select(Case.id.label("case_id"), *_finding(state, add_duration_sql(limit, "P1D"), end))
             .join(anchors, anchors.c.case_id == Case.id).outerjoin(closed, closed.c.case_id == Case.id))
    return _rows(query, ctx)


def _counselling_end(rule: Rule, ctx: CheckContext):
    """(end expression, extension subquery): start + limit, or + extended limit once an extension was recorded."""
    p = rule.params
    extended = (select(Event.case_id.label("case_id")).where(Event.kind == "counselling_extended",
                                                             Event.at < ctx.cutoff)
                .group_by(Event.case_id).subquery())
    start = func.coalesce(Client.counselling_start, Case.intake_date)
    end = when((extended.c.case_id.is_not(None), add_duration_sql(start, ctx.duration(p["extended_limit"]))),
               else_=add_duration_sql(start, ctx.duration(p["limit"])))
    return end, extended


def counselling_period(rule: Rule, ctx: CheckContext):
    """Open cases within the counselling period (extended only with a recorded reason)."""
    end, extended = _counselling_end(rule, ctx)
    closed = ctx.closed()
    is_open = closed.c.closed_at.is_(None)
    state = [(and_(is_open, end < ctx.as_of), VIOLATION),
             (and_(~is_open, utc_date(closed.c.closed_at) > end), VIOLATION),
             (and_(is_open, end <= ctx.horizon), AT_RISK)]
    resolved = when((~is_open, utc_date(closed.c.closed_at)), else_=null())
    query = (select(Case.id.label("case_id"), *_finding(state, add_duration_sql(end, "P1D"), resolved))
             .join(Client, Client.id == Case.client_id).outerjoin(extended, extended.c.case_id == Case.id)
             .outerjoin(closed, closed.c.case_id == Case.id))
    return _rows(query, ctx)


def closure_complete(rule: Rule, ctx: CheckContext):
    """Closed cases have a reason and, if they had goals, a completed closure step and a final evaluation per goal."""
    unevaluated = (select(Goal.case_id.label("case_id"), func.count().label("open_goals"))
                   .where(or_(Goal.final_evaluation.is_(None), func.trim(Goal.final_evaluation) == ""),
                          Goal.agreed_on <= ctx.as_of)
                   .group_by(Goal.case_id).subquery())
    goals = (select(Goal.case_id.label("case_id")).where(Goal.agreed_on <= ctx.as_of).group_by(Goal.case_id)
             .subquery())
    step = _first_completion(ctx, rule.params["step"])
    closed = ctx.closed()
    end, extended = _counselling_end(rule, ctx)
    is_closed = closed.c.closed_at.is_not(None)
    # After a consent withdrawal the case is closed without the closure step: nothing may be evaluated any more.
    incomplete = or_(Case.closure_reason.is_(None), Case.closure_reason == "",
                     and_(goals.c.case_id.is_not(None), Case.closure_reason != "consent_withdrawn",
                          or_(step.c.done.is_(None), unevaluated.c.open_goals.is_not(None))))
    state = [(and_(is_closed, incomplete), VIOLATION),
             (and_(~is_closed, unevaluated.c.open_goals.is_not(None), end <= ctx.horizon), AT_RISK)]
    since = when((is_closed, utc_date(closed.c.closed_at)), else_=add_duration_sql(end, "P1D"))
    query = (select(Case.id.label("case_id"), *_finding(state, since))
             .join(Client, Client.id == Case.client_id).outerjoin(extended, extended.c.case_id == Case.id)
             .outerjoin(closed, closed.c.case_id == Case.id).outerjoin(goals, goals.c.case_id == Case.id)
             .outerjoin(unevaluated, unevaluated.c.case_id == Case.id).outerjoin(step, step.c.case_id == Case.id))
    return _rows(query, ctx)


def contact_logged_within(rule: Rule, ctx: CheckContext):
    """Contacts recorded within the deadline; conversations of the listed steps logged as a contact in time."""
    p = rule.params
    deadline = ctx.duration(p["deadline"])
    recorded = utc_date(Contact.recorded_at)
    limit = add_duration_sql(Contact.occurred_on, deadline)
    late = (select(Contact.case_id.label("case_id"), literal(VIOLATION, String).label("state"),
                   func.min(add_duration_sql(Contact.occurred_on, deadline, "P1D")).label("since"),
                   func.max(recorded).label("resolved_on"))
            .join(Case, Case.id == Contact.case_id)
            .where(Contact.recorded_at < ctx.cutoff, recorded > limit, *ctx.cases()).group_by(Contact.case_id))
    parts = [late]
    for conv in p.get("conversations") or []:
        on = text_date(CompletedTask.data[conv["date_field"]].as_string())
        talks = (select(CompletedTask.case_id.label("case_id"), on.label("on"))
                 .where(is_step(conv["step"]), CompletedTask.completed_at < ctx.cutoff).subquery())
        logged = exists().where(Contact.case_id == talks.c.case_id, Contact.occurred_on == talks.c.on,
                                Contact.recorded_at < ctx.cutoff)
        due = add_duration_sql(talks.c.on, deadline)
        state = [(due < ctx.as_of, VIOLATION), (due <= ctx.horizon, AT_RISK)]
        query = (select(Case.id.label("case_id"), *_finding(state, add_duration_sql(due, "P1D")))
                 .join(talks, talks.c.case_id == Case.id).where(talks.c.on.is_not(None), ~logged))
        parts.append(_rows(query, ctx))
    return union_all(*parts)


def single_responsible(rule: Rule, ctx: CheckContext):
    """Open cases have one active caseworker of their organisation responsible, who serves their municipality."""
    latest = (select(Event.case_id.label("case_id"), func.max(Event.id).label("event_id"))
              .where(Event.kind.in_(rule.params["assignment_events"]), Event.at < ctx.cutoff)
              .group_by(Event.case_id).subquery())
    assigned = (select(Event.case_id.label("case_id"), Event.at.label("at"),
                       Event.payload["responsible_user_id"].as_integer().label("user_id"))
                .join(latest, latest.c.event_id == Event.id).subquery())
    closed = ctx.closed()
    serves = exists().where(UserMunicipality.user_id == User.id,
                            UserMunicipality.municipality_id == Case.municipality_id)
    broken = or_(User.id.is_(None), User.active.is_not(True), User.organisation_id != Case.organisation_id,
                 User.role != "caseworker")
    state = [(and_(closed.c.closed_at.is_(None), broken), VIOLATION),
             (and_(closed.c.closed_at.is_(None), ~serves), AT_RISK)]
    since = when((User.id.is_(None), func.coalesce(utc_date(assigned.c.at), Case.intake_date)), else_=null())
    query = (select(Case.id.label("case_id"), *_finding(state, since))
             .outerjoin(assigned, assigned.c.case_id == Case.id).outerjoin(User, User.id == assigned.c.user_id)
             .outerjoin(closed, closed.c.case_id == Case.id))
    return _rows(query, ctx)


CHECKS = {
    "consent_before": consent_before,
    "step_within": step_within,
    "review_gap": review_gap,
    "closure_complete": closure_complete,
    "contact_logged_within": contact_logged_within,
    "single_responsible": single_responsible,
    "counselling_period": counselling_period,
}
