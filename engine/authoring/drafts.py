"""The working draft of a process definition: open, save (optimistic concurrency), adopt a version, discard, deploy."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from engine.base import Actor, latest_definition
from engine.db import DefinitionDraft, ProcessDefinition
from engine.errors import InvalidInput, NotFound
from engine.workflow import MAX_BYTES, Problem, UnsafeXml, forbidden_code, parse_xml

from .authorship import Refused, draft_conflict, require_author, required_comment
from .catalog import draft_process_name
from .deploy import deploy_definition
from .gate import check_definition

BPMN_ROOT = "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"


@dataclass(frozen=True)
class EditorSource:
    """What the modeler opens: the draft if one exists, else the latest version (None: never deployed yet)."""

    key: str
    xml: str
    draft: DefinitionDraft | None
    latest: ProcessDefinition | None

    @property
    def name(self) -> str:
        """The process's name: of the latest version, or of the draft of a process never deployed."""
        return self.latest.name if self.latest is not None else draft_process_name(self.xml, self.key)


@dataclass(frozen=True)
class SavedDraft:
    """A stored draft: its new version and the lint findings against the forms in force."""

    version: int
    problems: list[Problem]


def editor_source(uow, key: str) -> EditorSource:
    """The XML the editor starts from (read-only; call inside an entered unit of work)."""
    latest = latest_definition(uow.session, key, required=False)
    draft = uow.session.get(DefinitionDraft, key)
    if latest is None and draft is None:
        raise NotFound("Diese Prozessdefinition gibt es nicht.")
    return EditorSource(key, draft.bpmn_xml if draft else latest.bpmn_xml, draft, latest)


def checked_xml(xml) -> str:
    """Refuse what must never be stored (too big, unsafe, not BPMN, forbidden code); returns the text."""
    if isinstance(xml, bytes):
        if len(xml) > MAX_BYTES:
            raise Refused(f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")
        try:
            xml = xml.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("Die Datei ist keine UTF-8-kodierte BPMN-Datei.") from None
    if not isinstance(xml, str) or not xml.strip():
        raise Refused("Die Datei ist leer.")
    if len(xml.encode("utf-8")) > MAX_BYTES:
        raise Refused(f"Die Datei ist zu groß (erlaubt sind {MAX_BYTES // 1024} KB).")
    try:
        root = parse_xml(xml.encode("utf-8"))
    except UnsafeXml as exc:
        raise Refused(str(exc), [Problem("error", "", str(exc))]) from None
    if root.getroottree().docinfo.doctype:
        message = "Die Datei enthält eine DTD; das ist aus Sicherheitsgründen nicht erlaubt."
        raise Refused(message, [Problem("error", "", message)])
    if root.tag != BPMN_ROOT:
        message = "Die Datei ist kein BPMN-2.0-Dokument (Wurzelelement 'definitions' fehlt)."
        raise Refused(message, [Problem("error", "", message)])
    forbidden = forbidden_code(xml)
    if forbidden:
        raise Refused("Die Datei enthält nicht erlaubten Code und wurde nicht übernommen.", forbidden)
    return xml


def save_draft(uow, key: str, xml, expected_version: int | None, actor: Actor) -> SavedDraft:
    """Store the draft if nobody saved since `expected_version` (None: there was no draft); 409 otherwise."""
    with uow:
        require_author(actor)
        xml = checked_xml(xml)
        latest = latest_definition(uow.session, key, required=False)
        if latest is None and uow.session.get(DefinitionDraft, key) is None:
            raise NotFound("Diese Prozessdefinition gibt es nicht.")
        version = _write(uow, key, xml, expected_version, actor, latest.id if latest else None)
        problems = check_definition(uow, key, xml)
        uow.commit()
        return SavedDraft(version, problems)


def _write(uow, key: str, xml: str, expected_version: int | None, actor: Actor, based_on: int | None) -> int:
    now = uow.clock.now()
    if expected_version is None:
        if uow.session.get(DefinitionDraft, key) is not None:
            raise draft_conflict(uow, uow.session.get(DefinitionDraft, key))
        try:
            with uow.session.begin_nested():
                uow.session.add(DefinitionDraft(key=key, bpmn_xml=xml, based_on_definition_id=based_on,
                                                updated_by=actor.id, updated_at=now, version=1))
        except IntegrityError:  # a colleague created the draft in the same instant
            raise draft_conflict(uow, uow.session.get(DefinitionDraft, key)) from None
        return 1
    # One conditional UPDATE: of two concurrent saves with the same version only one matches.
    result = uow.session.execute(
        update(DefinitionDraft).where(DefinitionDraft.key == key, DefinitionDraft.version == expected_version)
        .values(bpmn_xml=xml, updated_by=actor.id, updated_at=now, version=expected_version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        uow.session.expire_all()
        raise draft_conflict(uow, uow.session.get(DefinitionDraft, key))
    return expected_version + 1


def adopt_version(uow, definition_id: int, expected_version: int | None, actor: Actor) -> int:
    """Copy an older (or any) deployed version into the draft; returns the draft's new version."""
    with uow:
        require_author(actor)
        definition = uow.session.get(ProcessDefinition, definition_id)
        if definition is None:
            raise NotFound("Diese Prozessversion gibt es nicht.")
        version = _write(uow, definition.key, definition.bpmn_xml, expected_version, actor, definition.id)
        uow.session.execute(update(DefinitionDraft).where(DefinitionDraft.key == definition.key)
                            .values(based_on_definition_id=definition.id)
                            .execution_options(synchronize_session=False))
        uow.commit()
        return version


def discard_draft(uow, key: str, expected_version: int | None, actor: Actor) -> None:
    """Throw the draft away (only the version the user looked at; a newer save by a colleague is kept)."""
    with uow:
        require_author(actor)
        result = uow.session.execute(delete(DefinitionDraft).where(DefinitionDraft.key == key,
                                                                   DefinitionDraft.version == expected_version)
                                     .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise draft_conflict(uow, uow.session.get(DefinitionDraft, key))
        uow.commit()


def deploy_draft(uow, key: str, expected_version: int | None, comment: str | None,
                 actor: Actor) -> ProcessDefinition:
    """Lint the draft against the forms in force and deploy it as a new immutable version; clears the draft."""
    with uow:
        require_author(actor)
        comment = required_comment(comment)
        draft = uow.session.get(DefinitionDraft, key)
        if draft is None and expected_version is None:
            raise InvalidInput("Es gibt noch keinen gespeicherten Entwurf. Bitte zuerst den Entwurf speichern.")
        if draft is None or draft.version != expected_version:
            raise draft_conflict(uow, draft)
        problems = check_definition(uow, key, draft.bpmn_xml)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise Refused(f"Bereitstellung abgelehnt: der Entwurf hat {len(errors)} Fehler. Bitte beheben Sie "
                          "sie im Editor und prüfen Sie erneut.", problems)
        latest = latest_definition(uow.session, key, required=False)
        if latest is not None and latest.bpmn_xml == draft.bpmn_xml:
            raise InvalidInput("Der Entwurf ist identisch mit der bereitgestellten Version "
                               f"{latest.version}; es wurde keine neue Version angelegt.")
        definition = deploy_definition(uow, key, draft.bpmn_xml, actor.id, comment)
        uow.session.delete(draft)
        uow.commit()
        return definition


def deploy_file(uow, key: str, data: bytes, comment: str | None, actor_id: int | None) -> ProcessDefinition:
    """Deploy a BPMN file directly (the `integraflow bpmn deploy` command): same checks and gate as the editor."""
    with uow:
        comment = required_comment(comment)
        xml = checked_xml(data)
        problems = check_definition(uow, key, xml)
        if any(p.severity == "error" for p in problems):
            raise Refused("Bereitstellung abgelehnt: die Datei hat Fehler.", problems)
        latest = latest_definition(uow.session, key, required=False)
        if latest is not None and latest.bpmn_xml == xml:
            raise InvalidInput(f"Die Datei ist identisch mit Version {latest.version}; es wurde keine neue "
                               "Version angelegt.")
        definition = deploy_definition(uow, key, xml, actor_id, comment)
        uow.commit()
        return definition
