"""The rule version every export is stamped with.

For now: the version of the mandated-step rules (`bpmn/rules/mandated_steps.*`) when that file exists, else the
version of the client journey deployed at the as-of time. The one place to wire the compliance rules' own
version into the reports later.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from engine.config import SHIPPED_BPMN_DIR
from engine.db import ProcessDefinition

RULES_DIR = SHIPPED_BPMN_DIR / "rules"
_VERSION_LINE = re.compile(r"""^\s*["']?version["']?\s*[:=]\s*["']?([^"',\s#]+)""", re.MULTILINE)


def rule_version(session, as_of: datetime, rules_dir: Path = RULES_DIR) -> str:
    """A short label such as "Pflichtschritte 2026.1" or "client_journey Version 3"."""
    found = sorted(rules_dir.glob("mandated_steps.*")) if rules_dir.is_dir() else []
    if found:
        return f"Pflichtschritte {_file_version(found[0])}"
    journey = select(ProcessDefinition.version).where(ProcessDefinition.key == "client_journey").limit(1)
    # The version in force at the as-of time; the first one if the as-of time predates every deployment.
    version = session.execute(journey.where(ProcessDefinition.deployed_at <= as_of)
                              .order_by(ProcessDefinition.version.desc())).scalar()
    if version is None:
        version = session.execute(journey.order_by(ProcessDefinition.version)).scalar()
    return f"client_journey Version {version}" if version is not None else "client_journey (nicht bereitgestellt)"


def _file_version(path: Path) -> str:
    """The file's declared `version`, else the first 12 hex digits of its SHA-256."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        try:
            declared = json.loads(text).get("version")
        except (ValueError, AttributeError):
            declared = None
    else:
        match = _VERSION_LINE.search(text)
        declared = match.group(1) if match else None
    return str(declared) if declared not in (None, "") else "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:12]
