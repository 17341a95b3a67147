"""The deploy gate: a file is checked against the installation it is deployed into, exactly as the runtime will
run it (its key, the journey, the processes it calls and their pinned versions, the fields its steps need)."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.base import journey_key
from engine.casework import STEP_FIELDS
from engine.db import DecisionDefinition, FormDraft, ProcessDefinition
from engine.workflow import DeployContext, Problem, called_processes, lint_definition

from .deploy import called_documents


def deploy_context(session, key: str | None, xml: str) -> DeployContext:
    """What the gate knows about the installation when `xml` is deployed under `key`."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = session.execute(select(ProcessDefinition.key, ProcessDefinition.id, ProcessDefinition.calls)
                           .join(newest, (newest.c.key == ProcessDefinition.key)
                                 & (newest.c.version == ProcessDefinition.version))).all()
    latest = {row.key: row.id for row in rows}
    pins = {k: latest[k] for k in called_processes(xml) if k in latest and k != key}
    return DeployContext(key=key, journey_key=journey_key(session), deployed=frozenset(latest),
                         calls={row.key: frozenset((row.calls or {}).keys()) for row in rows},
                         documents=called_documents(session, pins), step_fields=STEP_FIELDS,
                         draft_forms=frozenset(session.execute(select(FormDraft.form_id)).scalars()),
                         decisions=newest_decisions(session))


def newest_decisions(session) -> tuple[tuple[str, int], ...]:
    """(DMN, version) of the newest version of every deployed decision table (what a deploy would pin)."""
    newest = select(DecisionDefinition.key, func.max(DecisionDefinition.version).label("version")) \
        .group_by(DecisionDefinition.key).subquery()
    rows = session.execute(select(DecisionDefinition.dmn_xml, DecisionDefinition.version).join(
        newest, (newest.c.key == DecisionDefinition.key) & (newest.c.version == DecisionDefinition.version))).all()
    return tuple((row.dmn_xml, row.version) for row in rows)


def check_definition(uow, key: str | None, xml: str) -> list[Problem]:
    """Every problem of `xml` as deployed under `key` into this installation (errors refuse the deploy)."""
    return lint_definition(xml, uow.forms, deploy_context(uow.session, key, xml))
