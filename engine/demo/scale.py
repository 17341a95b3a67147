"""Demo data at scale (`integraflow demo --cases N`): a few hundred cases told through the real services,
the rest bulk copies of them — fast enough for 100,000 cases and their events in minutes.
"""
from __future__ import annotations

import dataclasses
import time

from sqlalchemy import insert, select

from engine.db import Case, User, UserMunicipality

from .bulk import clone_cases
from .load import load_demo, summarise

# Cases driven through the services; more would only make the start slower, not the data more varied.
STORY_CASES = 200
# A full-time Integrationsmanager carries about this many cases; copies go to extra colleagues accordingly.
CASELOAD = 80


def load_demo_at_scale(container, cases: int, echo=None, stories: int = STORY_CASES, caseload: int = CASELOAD):
    """Load `cases` demo cases: up to `stories` through the services, the others as copies of those."""
    started = time.perf_counter()
    stories = min(cases, stories)
    summary = load_demo(container, cases=stories)
    if cases > stories:
        with container.reader() as reader:
            templates = list(reader.session.execute(select(Case.id).order_by(Case.opened_at, Case.id)).scalars())
        copies = -(-(cases - stories) // len(templates))
        clone_cases(container, templates, copies, limit=cases - stories,
                    caseworkers=_colleagues(container, cases, caseload),
                    echo=(lambda n: echo(f"  {stories + n} von {cases} Fällen angelegt")) if echo else None)
        _refresh_statistics(container)
        summary = summarise(container)
    return dataclasses.replace(summary, seconds=round(time.perf_counter() - started, 2))


def _colleagues(container, cases: int, caseload: int) -> dict[int, list[int]]:
    """Extra caseworkers beside each demo caseworker (same organisation and municipalities, same password)."""
    uow = container.uow()
    with uow:
        s = uow.session
        caseworkers = list(s.execute(select(User).where(User.role == "caseworker").order_by(User.id)).scalars())
        each = max(0, -(-cases // caseload) // len(caseworkers) - 1)
        pools = {}
        for user in caseworkers:
            rows = [dict(username=f"{user.username}.{i}", display_name=f"{user.display_name} ({i})",
                         email=None, role="caseworker", organisation_id=user.organisation_id,
                         password_hash=user.password_hash, active=True, created_at=user.created_at)
                    for i in range(1, each + 1)]
            ids = list(s.execute(insert(User).returning(User.id), rows).scalars()) if rows else []
            served = list(s.execute(select(UserMunicipality.municipality_id)
                                    .where(UserMunicipality.user_id == user.id)).scalars())
            if ids and served:
                s.execute(insert(UserMunicipality), [dict(user_id=i, municipality_id=m) for i in ids for m in served])
            pools[user.id] = [user.id, *ids]
        uow.commit()
    return pools


def _refresh_statistics(container) -> None:
    """PostgreSQL: after a bulk load the planner's statistics are stale until autovacuum comes by; refresh now."""
    if container.engine.dialect.name != "postgresql":
        return
    with container.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
