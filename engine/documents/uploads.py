"""Uploading, replacing and deleting a case's documents: checked, scanned, stored and audited in one transaction."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marshmallow import EXCLUDE, Schema, fields, validate, validates
from marshmallow import ValidationError as SchemaError
from sqlalchemy import select

from engine.base import (
    DOCUMENT_CATEGORIES,
    Actor,
    DocumentStore,
    ensure_processing_allowed,
    load_form,
    read_only_refusal,
    read_only_until,
    readable_case,
    record_event,
    require_editor,
)
from engine.db import CaseDocument
from engine.errors import Forbidden, NotFound

from .file_checks import check_content, safe_filename
from .virus_scan import scan

MAX_NOTE = 2000


class DocumentForm(Schema):
    """The upload form's fields beside the file: category, the document's own date, a note."""

    class Meta:
        unknown = EXCLUDE

    category = fields.String(required=True, validate=validate.OneOf(
        list(DOCUMENT_CATEGORIES), error="Bitte eine Kategorie auswählen."),
        error_messages={"required": "Bitte eine Kategorie auswählen.", "null": "Bitte eine Kategorie auswählen."})
    document_date = fields.Date(load_default=None, allow_none=True,
                                error_messages={"invalid": "Bitte ein gültiges Datum angeben."})
    note = fields.String(load_default="", validate=validate.Length(
        max=MAX_NOTE, error=f"Höchstens {MAX_NOTE} Zeichen."))
    replaces = fields.Integer(load_default=None, allow_none=True, strict=False,
                              error_messages={"invalid": "Ungültiges Dokument."})

    @validates("document_date")
    def _not_far_future(self, value, **_kw):
        if value is not None and not date(1900, 1, 1) <= value <= date(2100, 12, 31):
            raise SchemaError("Bitte ein Datum zwischen 1900 und 2100 angeben.")


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the adapter received it: the name the browser sent and the bytes."""

    filename: str | None
    data: bytes


def _writable_case(uow, actor: Actor, case_id: str):
    """The case, if this person may add to or remove from its documents now."""
    require_editor(actor)
    case = readable_case(uow, actor, case_id, with_client=False)
    until = read_only_until(uow.session, actor, case, uow.clock.now())
    if until is not None:
        raise Forbidden(read_only_refusal(until))
    ensure_processing_allowed(case)
    if case.status != "open":
        raise Forbidden("Der Fall ist abgeschlossen; Dokumente können nicht mehr geändert werden.")
    if case.consent_date is None:
        raise Forbidden("Ohne dokumentierte Einwilligung dürfen keine Dokumente gespeichert werden.")
    return case


def _form(raw) -> dict:
    values = {k: v for k, v in dict(raw).items() if k in ("category", "document_date", "note", "replaces")}
    if values.get("document_date") in ("", None):
        values["document_date"] = None
    if values.get("replaces") in ("", None):
        values["replaces"] = None
    data = load_form(DocumentForm(), values, "Bitte korrigieren Sie die markierten Felder.")
    data["note"] = (data.get("note") or "").strip() or None
    return data


def upload_document(uow, store: DocumentStore, case_id: str, raw, upload: Upload, actor: Actor) -> int:
    """Store a checked, scanned document on the case (optionally replacing one); returns its id."""
    data = _form(raw)
    # Checked and scanned before the transaction: a scan may take seconds and must not hold the write lock.
    mime = check_content(upload.data, store.max_bytes)
    if store.clamd:
        scan(store.clamd, upload.data)
    with uow:
        case = _writable_case(uow, actor, case_id)
        old = _document(uow, case.id, data["replaces"]) if data["replaces"] is not None else None
        digest, content = store.put(upload.data)
        doc = CaseDocument(case_id=case.id, category=data["category"], document_date=data["document_date"],
                           note=data["note"], filename=safe_filename(upload.filename, mime), content_type=mime,
                           size=len(upload.data), sha256=digest, storage=store.storage, content=content,
                           uploaded_by=actor.id, uploaded_at=uow.clock.now())
        uow.session.add(doc)
        uow.session.flush()
        record_event(uow, "document_uploaded", actor.id, case.id, document_id=doc.id, category=doc.category,
                     sha256=digest, size=doc.size, filename=doc.filename, redactable=["filename"])
        if old is not None:
            _remove(uow, store, old, actor, "document_replaced", replaced_by=doc.id)
        uow.commit()
        return doc.id


def delete_document(uow, store: DocumentStore, case_id: str, document_id: int, actor: Actor) -> None:
    """Delete a document of the case (the audit trail keeps its hash, category and who deleted it)."""
    with uow:
        case = _writable_case(uow, actor, case_id)
        _remove(uow, store, _document(uow, case.id, document_id), actor, "document_deleted")
        uow.commit()


def _document(uow, case_id: str, document_id) -> CaseDocument:
    doc = uow.session.get(CaseDocument, document_id) if isinstance(document_id, int) else None
    if doc is None or doc.case_id != case_id:
        raise NotFound("Das Dokument wurde nicht gefunden.")
    return doc


def _remove(uow, store: DocumentStore, doc: CaseDocument, actor: Actor, kind: str, **extra) -> None:
    record_event(uow, kind, actor.id, doc.case_id, document_id=doc.id, category=doc.category, sha256=doc.sha256,
                 filename=doc.filename, redactable=["filename"], **extra)
    digest, stored_in_dir = doc.sha256, doc.storage == "dir"
    uow.session.delete(doc)
    uow.session.flush()
    if stored_in_dir:
        discard_unreferenced(uow, store, [digest])


def discard_unreferenced(uow, store: DocumentStore, hashes) -> None:
    """After commit, remove directory files of these hashes that no remaining document refers to."""
    hashes = set(hashes)
    if not hashes or store.directory is None:
        return
    still = set(uow.session.execute(select(CaseDocument.sha256).where(CaseDocument.sha256.in_(hashes))).scalars())
    orphans = hashes - still
    if orphans:
        uow.after_commit(lambda: store.discard(orphans))
