"""The rule version every export is stamped with: the mandated-step rules version in force at the as-of time."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.db import RuleSetVersion


def rule_version(session, as_of: datetime) -> str:
    """A short label such as "Pflichtschritt-Regeln Version 2" (the newest version stored by `as_of`)."""
    versions = select(RuleSetVersion.version).limit(1)
    version = session.execute(versions.where(RuleSetVersion.created_at <= as_of)
                              .order_by(RuleSetVersion.version.desc())).scalar()
    if version is None:  # the as-of time predates the first rules: the shipped rules (version 1) apply
        version = session.execute(versions.order_by(RuleSetVersion.version)).scalar()
    return f"Pflichtschritt-Regeln Version {version}" if version is not None else "Pflichtschritt-Regeln (keine)"
