"""Bringing a database to a usable state: migrations, the shipped processes and forms, the shipped rules."""
from __future__ import annotations

import hashlib

from sqlalchemy import select

from engine.authoring import deploy_definition, seed_shipped_forms
from engine.compliance import load_shipped_rules
from engine.config import SHIPPED_BPMN_DIR
from engine.db import DecisionDefinition, ProcessDefinition
from engine.db.schema import upgrade
from engine.decisions import deploy_decision, shipped_decisions
from engine.workflow import called_processes, main_process_id

SHIPPED_COMMENT = "Ausgelieferte Version"


def prepare_database(container, shipped_dir=SHIPPED_BPMN_DIR) -> None:
    """Run migrations, deploy the shipped processes and forms if they changed, load the shipped rules."""
    upgrade(container.engine)
    uow = container.uow()
    with uow:
        seed_shipped_forms(uow, shipped_dir / "forms")
        # Tables before processes: a process version pins the table versions deployed when it is deployed.
        for _key, xml in shipped_decisions(shipped_dir):
            if not _decision_shipped_before(uow, xml):
                deploy_decision(uow, xml, actor_id=None, comment=SHIPPED_COMMENT)
        for key, xml in shipped_processes(shipped_dir):
            if not _shipped_before(uow, key, xml):
                deploy_definition(uow, key, xml, actor_id=None, comment=SHIPPED_COMMENT)
        load_shipped_rules(uow, shipped_dir / "rules" / "mandated_steps.yaml")
        uow.commit()


def shipped_processes(shipped_dir=SHIPPED_BPMN_DIR) -> list[tuple[str, str]]:
    """(key, BPMN) of every shipped process file, each key its process id, called processes before callers."""
    documents = {}
    for path in sorted(shipped_dir.glob("*.bpmn")):
        xml = path.read_text(encoding="utf-8")
        key = main_process_id(xml)
        if key:
            documents[key] = xml
    ordered: list[str] = []

    def visit(key: str, trail: tuple[str, ...] = ()) -> None:
        if key in ordered or key in trail or key not in documents:
            return
        for called in sorted(called_processes(documents[key])):
            visit(called, (*trail, key))
        ordered.append(key)

    for key in documents:
        visit(key)
    return [(key, documents[key]) for key in ordered]


def _shipped_before(uow, key: str, xml: str) -> bool:
    # Compared with every stored version, not only the latest: a supervisor's newer version must survive a
    # restart; only a changed shipped file (a software upgrade) becomes a new version.
    checksum = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    return uow.session.execute(select(ProcessDefinition.id).where(ProcessDefinition.key == key,
                                                                  ProcessDefinition.checksum == checksum)
                               ).first() is not None


def _decision_shipped_before(uow, xml: str) -> bool:
    # As for processes: a team lead's newer table version survives a restart.
    checksum = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    return uow.session.execute(select(DecisionDefinition.id).where(DecisionDefinition.checksum == checksum)
                               ).first() is not None
