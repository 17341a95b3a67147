"""Deployed decision tables: immutable versions with a comment, and the versions a process version pins."""
from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from engine.base import record_event
from engine.db import DecisionDefinition, ProcessDefinition
from engine.errors import InvalidInput, NotFound
from engine.workflow import (
    DecisionError,
    DefinitionError,
    Evaluation,
    Problem,
    check_decision,
    decision_data_names,
    decision_key,
    decision_refs,
    evaluate_decision,
    parse_decision,
)


def latest_decision(session, key: str, required: bool = True) -> DecisionDefinition | None:
    """The newest version of a decision table (new process versions pin it)."""
    row = session.execute(select(DecisionDefinition).where(DecisionDefinition.key == key)
                          .order_by(DecisionDefinition.version.desc()).limit(1)).scalar_one_or_none()
    if row is None and required:
        raise NotFound(f"Keine Entscheidungstabelle „{key}“ bereitgestellt.")
    return row


def decision_versions(session, key: str) -> list[DecisionDefinition]:
    """Every version of a decision table, newest first."""
    return list(session.execute(select(DecisionDefinition).where(DecisionDefinition.key == key)
                                .order_by(DecisionDefinition.version.desc())).scalars())


def list_decisions(session) -> list[DecisionDefinition]:
    """The newest version of every decision table, by name."""
    newest = select(DecisionDefinition.key, func.max(DecisionDefinition.version).label("version")) \
        .group_by(DecisionDefinition.key).subquery()
    return list(session.execute(select(DecisionDefinition).join(
        newest, (newest.c.key == DecisionDefinition.key) & (newest.c.version == DecisionDefinition.version))
        .order_by(DecisionDefinition.name)).scalars())


def pinned_decisions(session, bpmn_xml: str) -> dict[str, int]:
    """{decision key: id of its newest version} for the file's business-rule tasks; refuses unknown tables."""
    pins = {}
    for key in sorted(decision_refs(bpmn_xml)):
        row = latest_decision(session, key, required=False)
        if row is None:
            raise DefinitionError([("", f"Die Entscheidungstabelle „{key}“ ist nicht bereitgestellt.")])
        pins[key] = row.id
    return pins


def processes_using(session, key: str) -> list[ProcessDefinition]:
    """The newest version of every process whose business-rule tasks use the table (to offer a redeploy)."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    rows = session.execute(select(ProcessDefinition).join(
        newest, (newest.c.key == ProcessDefinition.key) & (newest.c.version == ProcessDefinition.version))
        .order_by(ProcessDefinition.key)).scalars()
    return [row for row in rows if key in decision_refs(row.bpmn_xml)]


def check_decision_file(uow, xml: str) -> list[Problem]:
    """Every problem of a DMN document checked against this installation (the forms and deployed processes)."""
    newest = select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version")) \
        .group_by(ProcessDefinition.key).subquery()
    documents = tuple(uow.session.execute(select(ProcessDefinition.bpmn_xml).join(
        newest, (newest.c.key == ProcessDefinition.key) & (newest.c.version == ProcessDefinition.version))).scalars())
    return check_decision(xml, decision_data_names(uow.forms, documents))


def deploy_decision(uow, xml: str, actor_id: int | None, comment: str | None = None,
                    expected_key: str | None = None) -> DecisionDefinition:
    """Store a checked DMN document as a new immutable version (or return the same newest one unchanged).

    A person's deploy goes through the gate (errors refuse it); the shipped tables are checked by the tests.
    """
    try:
        key = decision_key(xml)
        engine = parse_decision(xml)
    except DecisionError as exc:
        raise InvalidInput(str(exc), {"dmn": str(exc)}) from None
    if actor_id is not None:
        errors = [p for p in check_decision_file(uow, xml) if p.severity == "error"]
        if errors:
            raise InvalidInput("Die Entscheidungstabelle hat Fehler und wurde nicht bereitgestellt.",
                               {p.element_id or "dmn": p.message for p in errors})
    if expected_key is not None and key != expected_key:
        message = f"Die Datei enthält die Tabelle „{key}“, nicht „{expected_key}“."
        raise InvalidInput(message, {"dmn": message})
    checksum = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    latest = latest_decision(uow.session, key, required=False)
    if latest is not None and latest.checksum == checksum:
        return latest
    version = (latest.version if latest else 0) + 1
    row = DecisionDefinition(key=key, version=version, name=engine.name[:200], dmn_xml=xml, checksum=checksum,
                             comment=comment, deployed_by=actor_id, deployed_at=uow.clock.now())
    uow.session.add(row)
    uow.session.flush()
    if actor_id is not None or version > 1:
        record_event(uow, "decision_deployed", actor_id, key=key, version=version, checksum=checksum,
                     comment=comment)
    return row


def test_decision(xml: str, data: dict) -> Evaluation:
    """Evaluate a (possibly undeployed) table against input values, as the editor's „Testen“ does."""
    return evaluate_decision(parse_decision(xml), data)


def shipped_decisions(shipped_dir: Path) -> list[tuple[str, str]]:
    """(key, DMN) of every shipped decision table file."""
    return [(decision_key(xml), xml) for xml in (p.read_text(encoding="utf-8")
                                                 for p in sorted(shipped_dir.glob("*.dmn")))]
