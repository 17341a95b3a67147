"""Which mandated-step rules a document category can satisfy, for the case page's documents section."""
from __future__ import annotations

import yaml
from sqlalchemy import select

from engine.base import remember
from engine.db import RuleSetVersion


def newest_rules_checksum():
    """Scalar subquery: the checksum of the newest stored rules (read alongside the documents, no extra statement)."""
    return (select(RuleSetVersion.checksum).order_by(RuleSetVersion.version.desc()).limit(1)
            .scalar_subquery().label("rules_checksum"))


def rules_by_document_category(session, checksum: str | None) -> dict[str, list[str]]:
    """Category → titles of the rules a document of it satisfies, parsed once per rules version."""
    if not checksum:
        return {}

    def parse() -> dict[str, list[str]]:
        source = session.execute(select(RuleSetVersion.source).where(RuleSetVersion.checksum == checksum)
                                 .limit(1)).scalar_one_or_none()
        try:
            data = yaml.safe_load(source or "") or {}
        except yaml.YAMLError:
            return {}
        titles: dict[str, list[str]] = {}
        for rule in data.get("rules") or [] if isinstance(data, dict) else []:
            params = rule.get("params") if isinstance(rule, dict) else None
            category = params.get("document_category") if isinstance(params, dict) else None
            if isinstance(category, str):
                titles.setdefault(category, []).append(str(rule.get("title") or rule.get("id")))
        return titles

    return remember(("document-rules", checksum), parse)
