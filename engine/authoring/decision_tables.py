"""Decision tables as a team lead deploys them: the gate, a comment, and then the processes that use them."""
from __future__ import annotations

from engine.base import Actor
from engine.db import DecisionDefinition
from engine.decisions import deploy_decision, processes_using

from .authorship import require_author, required_comment
from .deploy import deploy_definition


def deploy_table(uow, xml: str, comment: str | None, actor: Actor, expected_key: str | None = None
                 ) -> DecisionDefinition:
    """Check and deploy a DMN document as the table's next immutable version (the gate refuses errors)."""
    with uow:
        require_author(actor)
        row = deploy_decision(uow, xml, actor.id, required_comment(comment), expected_key=expected_key)
        uow.commit()
        return row


def redeploy_table_users(uow, key: str, actor: Actor, comment: str | None) -> list[tuple[str, int]]:
    """Deploy the newest version of every process using table `key` again, pinning the table's newest version.

    Returns (process key, version) per process; running cases stay on their versions until migrated.
    """
    with uow:
        require_author(actor)
        text = required_comment(comment)
        deployed = []
        for process in processes_using(uow.session, key):
            definition = deploy_definition(uow, process.key, process.bpmn_xml, actor.id, text)
            deployed.append((definition.key, definition.version))
        uow.commit()
        return deployed
