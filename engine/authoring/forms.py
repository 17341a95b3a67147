"""Deployed form versions and form drafts: seed the shipped forms, save drafts, deploy safely, where used."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from engine.base import Actor, latest_form_rows, load_latest_forms, record_event
from engine.db import FormDraft, FormVersion
from engine.errors import InvalidInput, NotFound
from engine.forms import FormError, parse_form
from engine.workflow import Problem, removed_field_uses

from .authorship import Refused, draft_conflict, require_author, required_comment
from .catalog import latest_definitions


@dataclass(frozen=True)
class SavedFormDraft:
    """A stored form draft: its new version and what the schema check found."""

    version: int
    problems: list[Problem]


def checksum(schema: dict) -> str:
    """A stable checksum of a schema (key order does not matter)."""
    return hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def seed_shipped_forms(uow, directory: Path) -> None:
    """Store each shipped form file as a version unless that exact schema was stored before (prepare_database)."""
    for path in sorted(directory.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        parse_form(schema)
        digest = checksum(schema)
        known = uow.session.execute(select(FormVersion.id).where(FormVersion.form_id == schema["id"],
                                                                 FormVersion.checksum == digest)).first()
        if known is None:
            _store(uow, schema, digest, "Ausgelieferte Version", None)


def _store(uow, schema: dict, digest: str, comment: str, actor_id: int | None) -> FormVersion:
    form_id = schema["id"]
    number = (uow.session.execute(select(func.max(FormVersion.version)).where(FormVersion.form_id == form_id))
              .scalar() or 0) + 1
    row = FormVersion(form_id=form_id, version=number, schema=schema, checksum=digest, comment=comment,
                      deployed_by=actor_id, deployed_at=uow.clock.now())
    uow.session.add(row)
    uow.session.flush()
    if actor_id is not None or number > 1:
        record_event(uow, "form_deployed", actor_id, form=form_id, version=number, checksum=digest, comment=comment)
    return row


def latest_form(session, form_id: str) -> FormVersion:
    """The newest deployed version of one form."""
    row = session.execute(select(FormVersion).where(FormVersion.form_id == form_id)
                          .order_by(FormVersion.version.desc()).limit(1)).scalar_one_or_none()
    if row is None:
        raise NotFound("Dieses Formular gibt es nicht.")
    return row


def form_editor_source(uow, form_id: str) -> tuple[dict, FormDraft | None, FormVersion | None]:
    """The schema the form editor starts from: the draft if one exists, else the latest version (None: a new
    form never deployed)."""
    draft = uow.session.get(FormDraft, form_id)
    latest = latest_form(uow.session, form_id) if draft is None else _latest_or_none(uow.session, form_id)
    return (draft.schema if draft else latest.schema), draft, latest


def _latest_or_none(session, form_id: str) -> FormVersion | None:
    try:
        return latest_form(session, form_id)
    except NotFound:
        return None


def _schema_problems(schema: dict) -> list[Problem]:
    try:
        parse_form(schema)
    except FormError as exc:
        return [Problem("error", str(exc.details.get("component_id") or ""), exc.message)]
    return []


def save_form_draft(uow, form_id: str, schema, expected_version: int | None, actor: Actor) -> SavedFormDraft:
    """Store the form draft if nobody saved since `expected_version`; the schema check is reported, not enforced."""
    with uow:
        require_author(actor)
        if not isinstance(schema, dict):
            raise Refused("Ein Formular muss ein JSON-Objekt sein.")
        if schema.get("id") != form_id:
            raise Refused(f"Die id des Formulars muss „{form_id}“ bleiben.",
                          [Problem("error", "", f"Die id des Formulars muss „{form_id}“ bleiben.")])
        if uow.session.get(FormDraft, form_id) is None:
            latest_form(uow.session, form_id)  # 404 for a form that has neither versions nor a draft
        now = uow.clock.now()
        if expected_version is None:
            if uow.session.get(FormDraft, form_id) is not None:
                raise draft_conflict(uow, uow.session.get(FormDraft, form_id))
            try:
                with uow.session.begin_nested():
                    uow.session.add(FormDraft(form_id=form_id, schema=schema, updated_by=actor.id, updated_at=now,
                                              version=1))
            except IntegrityError:
                raise draft_conflict(uow, uow.session.get(FormDraft, form_id)) from None
            version = 1
        else:
            result = uow.session.execute(
                update(FormDraft).where(FormDraft.form_id == form_id, FormDraft.version == expected_version)
                .values(schema=schema, updated_by=actor.id, updated_at=now, version=expected_version + 1)
                .execution_options(synchronize_session=False))
            if result.rowcount != 1:
                uow.session.expire_all()
                raise draft_conflict(uow, uow.session.get(FormDraft, form_id))
            version = expected_version + 1
        problems = _schema_problems(schema)
        uow.commit()
        return SavedFormDraft(version, problems)


def discard_form_draft(uow, form_id: str, expected_version: int | None, actor: Actor) -> None:
    """Throw the form draft away (only the version the user looked at)."""
    with uow:
        require_author(actor)
        result = uow.session.execute(delete(FormDraft).where(FormDraft.form_id == form_id,
                                                             FormDraft.version == expected_version)
                                     .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise draft_conflict(uow, uow.session.get(FormDraft, form_id))
        uow.commit()


def deploy_form(uow, form_id: str, expected_version: int | None, comment: str | None, actor: Actor) -> FormVersion:
    """Deploy the draft as the form's next version, refused if invalid or if it drops a field a process reads."""
    with uow:
        require_author(actor)
        comment = required_comment(comment)
        draft = uow.session.get(FormDraft, form_id)
        if draft is None and expected_version is None:
            raise InvalidInput("Es gibt noch keinen gespeicherten Entwurf. Bitte zuerst den Entwurf speichern.")
        if draft is None or draft.version != expected_version:
            raise draft_conflict(uow, draft)
        problems = _schema_problems(draft.schema)
        if problems:
            raise Refused("Bereitstellung abgelehnt: das Formular ist ungültig.", problems)
        latest = _latest_or_none(uow.session, form_id)
        digest = checksum(draft.schema)
        if latest is not None and digest == latest.checksum:
            raise InvalidInput(f"Der Entwurf ist identisch mit Version {latest.version}; es wurde keine neue "
                               "Version angelegt.")
        before = load_latest_forms(uow.session)
        after = load_latest_forms(uow.session, replace={form_id: draft.schema})
        for definition in latest_definitions(uow.session):
            problems += removed_field_uses(definition.bpmn_xml, before, after)
        if problems:
            raise Refused("Bereitstellung abgelehnt: der Prozess liest Felder, die das Formular nicht mehr "
                          "erfasst.", problems)
        row = _store(uow, draft.schema, digest, comment, actor.id)
        uow.session.delete(draft)
        uow.commit()
        return row


def form_versions(session, form_id: str) -> list[FormVersion]:
    """Every deployed version of a form, newest first."""
    return list(session.execute(select(FormVersion).where(FormVersion.form_id == form_id)
                                .order_by(FormVersion.version.desc())).scalars())


__all__ = ["SavedFormDraft", "checksum", "deploy_form", "discard_form_draft", "form_editor_source",
           "form_versions", "latest_form", "latest_form_rows", "save_form_draft", "seed_shipped_forms"]
