"""The form posts a caseworker would send for each step of a demo story."""
from __future__ import annotations

import random
from datetime import date, timedelta

from werkzeug.datastructures import MultiDict

from .people import iso
from .texts import (
    ASSESSMENT,
    ASSESSMENT_SUMMARIES,
    CLOSURE_SUMMARIES,
    CLOSURE_TEXTS,
    EVALUATIONS,
    GOAL_REASONS,
    GOALS,
    OUTCOMES,
    REVIEW_CLOSING,
    REVIEW_SUMMARIES,
)


def intake_form(person: dict, municipality_id: int) -> MultiDict:
    pairs = [(key, value) for key, value in person.items()
             if key not in ("household", "interpreter_needed") and value]
    pairs += [("municipality_id", str(municipality_id))] + ([("interpreter_needed", "on")]
                                                           if person["interpreter_needed"] else [])
    for i, member in enumerate(person["household"]):
        pairs += [(f"household-{i}-{key}", value) for key, value in member.items()]
    return MultiDict(pairs)


def consent_form(values: dict, given: bool, rng: random.Random) -> list:
    pairs = [("consent_given", "yes" if given else "no"), ("consent_date", values["consent_date"]),
             ("consent_document", "on")]
    if given:
        pairs.append(("consent_scope", "basic"))
        pairs += [("consent_scope", scope) for scope, p in (("special_categories", 0.6), ("share_with_partners", 0.7))
                  if rng.random() < p]
    return pairs


def assessment_form(values: dict, areas: list[str], rng: random.Random) -> list:
    pairs = [("assessment_date", values["assessment_date"]), ("assessment_summary", rng.choice(ASSESSMENT_SUMMARIES))]
    for area in areas:
        situation, resources, needs = rng.choice(ASSESSMENT[area])
        pairs += [(f"{area}.situation", situation), (f"{area}.resources", resources), (f"{area}.needs", needs),
                  (f"{area}.support_needed", "on")]
    return pairs


def _goal_rows(prefix: str, areas: list[str], start: date, rng: random.Random) -> list:
    pairs = []
    for i, area in enumerate(areas):
        title, obligations, support, responsible = rng.choice(GOALS[area])
        due = start + timedelta(days=rng.randint(90, 270))
        pairs += [(f"{prefix}-{i}-life_area", area), (f"{prefix}-{i}-title", title),
                  (f"{prefix}-{i}-obligations", obligations), (f"{prefix}-{i}-support", support),
                  (f"{prefix}-{i}-responsible", responsible), (f"{prefix}-{i}-due_date", iso(due))]
    return pairs


def plan_form(values: dict, areas: list[str], rng: random.Random) -> list:
    chosen = rng.sample(areas, min(len(areas), rng.randint(2, 3)))
    pairs = _goal_rows("goals", chosen, date.fromisoformat(values["plan_date"]), rng)
    pairs += [("plan_date", values["plan_date"]), ("signed_by_client", "on"), ("signed_by_caseworker", "on"),
              ("signature_date", values["signature_date"])]
    return pairs + ([("plain_language_copy", "on")] if rng.random() < 0.6 else [])


def review_form(values: dict, params: dict, rng: random.Random) -> list:
    goals, closing = values["goals"], params["close"]
    if closing:
        statuses = ["achieved" if params.get("reason") in ("goals_achieved", "livelihood_secured")
                    else rng.choice(("achieved", "partly", "not_achieved")) for _ in goals]
    else:
        statuses = rng.choices(("achieved", "partly", "open", "not_achieved", "dropped"), weights=(30, 30, 30, 5, 5),
                               k=len(goals))
        if goals and all(s in ("achieved", "dropped") for s in statuses):
            statuses[-1] = "partly"  # all goals done would end the plan: this review continues
    review_day = date.fromisoformat(values["review_date"])
    pairs = [("review_date", values["review_date"])]
    for i, (goal, status) in enumerate(zip(goals, statuses, strict=False)):
        due = goal["due_date"] if status != "partly" else iso(review_day + timedelta(days=rng.randint(60, 150)))
        pairs += [(f"goals-{i}-goal_id", goal["goal_id"]), (f"goals-{i}-status", status),
                  (f"goals-{i}-due_date", due)]
        if status in ("not_achieved", "dropped"):
            pairs.append((f"goals-{i}-status_reason", rng.choice(GOAL_REASONS)))
    if not closing and rng.random() < 0.35:
        used = {g["life_area"] for g in goals}
        fresh = [a for a in GOALS if a not in used] or list(GOALS)
        pairs += _goal_rows("new_goals", [rng.choice(fresh)], review_day, rng)
    summary = rng.choice(REVIEW_CLOSING if closing else REVIEW_SUMMARIES)
    return pairs + [("review_summary", summary), ("next_step", "close" if closing else "continue")]


def closure_form(values: dict, reason: str, rng: random.Random) -> list:
    pairs = [("closure_reason", reason), ("closure_date", values["closure_date"]),
             ("final_summary", CLOSURE_SUMMARIES[reason])]
    if reason in ("other", "moved_away"):
        pairs.append(("closure_reason_text", CLOSURE_TEXTS[reason]))
    pairs += [("outcomes", outcome) for outcome in OUTCOMES[reason]]
    for i, goal in enumerate(values["final_goals"]):
        final = goal["final_status"] or {"no_cooperation": "not_achieved", "goals_achieved": "achieved"}.get(
            reason, rng.choice(("partly", "not_achieved")))
        pairs += [(f"final_goals-{i}-goal_id", goal["goal_id"]), (f"final_goals-{i}-final_status", final),
                  (f"final_goals-{i}-evaluation", EVALUATIONS[final])]
    return pairs
