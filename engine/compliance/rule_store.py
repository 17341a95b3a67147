"""Versions of the rules file: the shipped file as version 1, each accepted edit as a new version."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.base import Actor, record_event, remember
from engine.config import SHIPPED_BPMN_DIR
from engine.db import RuleSetVersion
from engine.errors import Forbidden, InvalidInput, NotFound

from .rule_targets import RuleTargets, targets_for
from .rules import RulesError, RuleSet, parse_rules

SHIPPED_RULES = SHIPPED_BPMN_DIR / "rules" / "mandated_steps.yaml"
RULE_EDITORS = {"compliance", "admin"}


@dataclass(frozen=True)
class ActiveRules:
    """The version in force and its parsed rules."""

    version: RuleSetVersion
    rules: RuleSet


SHIPPED_COMMENT = "Ausgelieferte Version"


def load_shipped_rules(uow, path=SHIPPED_RULES) -> None:
    """Store the shipped rules file (called by prepare_database): as the first version, or as a new one on upgrade.

    An upgrade that ships changed rules replaces the rules in force only while those are themselves a shipped
    version; rules that compliance edited stay in force (the new shipped file can be adopted in the editor).
    """
    latest = uow.session.execute(select(RuleSetVersion).order_by(RuleSetVersion.version.desc())
                                 .limit(1)).scalar_one_or_none()
    text = path.read_text(encoding="utf-8")
    if latest is not None and (latest.created_by is not None or latest.checksum == _checksum(text)):
        return
    parse_rules(text, targets_for(uow))
    version = _store(uow, text, None, SHIPPED_COMMENT)
    if latest is not None:
        record_event(uow, "rules_changed", None, version=version.version, checksum=version.checksum,
                     comment=SHIPPED_COMMENT)


def active_rules(uow) -> ActiveRules:
    """The newest stored version that is valid against the deployed process."""
    targets = targets_for(uow)
    for version in uow.session.execute(select(RuleSetVersion).order_by(RuleSetVersion.version.desc())).scalars():
        parsed = _parsed(version.source, targets)
        if isinstance(parsed, RulesError):
            continue  # e.g. a later process version dropped a step: the previous rules stay in force
        return ActiveRules(version, parsed)
    raise NotFound("Es sind keine gültigen Pflichtschritt-Regeln hinterlegt. Bitte 'integraflow db upgrade' "
                   "ausführen.")


def _parsed(source: str, targets: RuleTargets) -> RuleSet | RulesError:
    """Parse once per rules text and deployed process (YAML parsing was a third of the dashboard's time)."""
    fingerprint = (tuple(sorted(targets.user_tasks.items(), key=lambda item: item[0])),
                   tuple(sorted((form, tuple(sorted(keys))) for form, keys in targets.form_fields.items())),
                   tuple(sorted(targets.event_kinds)))

    def parse() -> RuleSet | RulesError:
        try:
            return parse_rules(source, targets)
        except RulesError as exc:
            return exc

    return remember(("rules", _checksum(source), fingerprint), parse)


MAX_RULES_CHARS = 200_000  # the shipped rules are about 10,000 characters


def save_rules(uow, text: str, comment: str, actor: Actor) -> int:
    """Validate an edited rules file and store it as a new version; returns the version number."""
    with uow:
        if actor.role not in RULE_EDITORS:
            raise Forbidden("Nur Fachaufsicht und Administration dürfen die Regeln ändern.")
        comment = (comment or "").strip()
        if not comment:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.",
                               {"comment": "Bitte beschreiben Sie kurz, was geändert wurde."},
                               {"source": text, "comment": comment})
        text = (text or "").replace("\r\n", "\n")
        too_long = {name: f"Bitte höchstens {limit:,} Zeichen.".replace(",", ".")
                    for name, value, limit in (("source", text, MAX_RULES_CHARS), ("comment", comment, 2000))
                    if len(value) > limit}
        if too_long:
            raise InvalidInput("Bitte korrigieren Sie die markierten Felder.", too_long,
                               {"source": text[:MAX_RULES_CHARS], "comment": comment[:2000]})
        try:
            parse_rules(text, targets_for(uow))
        except RulesError as exc:
            exc.values = {"source": text, "comment": comment}
            raise
        current = active_rules(uow)
        if current.version.checksum == _checksum(text):
            raise InvalidInput("Die Regeln sind unverändert; es wurde keine neue Version angelegt.",
                               {"source": "Keine Änderung gegenüber der gültigen Version."},
                               {"source": text, "comment": comment})
        version = _store(uow, text, actor.id, comment[:2000])
        record_event(uow, "rules_changed", actor.id, version=version.version, previous=current.version.version,
                     checksum=version.checksum, comment=version.comment)
        uow.commit()
        return version.version


def rule_versions(uow) -> list[RuleSetVersion]:
    """All stored versions, newest first."""
    return list(uow.session.execute(select(RuleSetVersion).order_by(RuleSetVersion.version.desc())).scalars())


def _store(uow, text: str, actor_id: int | None, comment: str) -> RuleSetVersion:
    number = (uow.session.execute(select(func.max(RuleSetVersion.version))).scalar() or 0) + 1
    version = RuleSetVersion(version=number, source=text, checksum=_checksum(text), comment=comment,
                             created_by=actor_id, created_at=uow.clock.now())
    uow.session.add(version)
    uow.session.flush()
    return version


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
