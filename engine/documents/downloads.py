"""Reading a document back: only through a case the person may read, with the bytes checked against their hash."""
from __future__ import annotations

from dataclasses import dataclass

from engine.base import Actor, DocumentStore, readable_case
from engine.db import CaseDocument
from engine.errors import NotFound


@dataclass(frozen=True)
class DocumentFile:
    """What a download sends: bytes, the stored safe name and the content type detected at upload."""

    data: bytes
    filename: str
    content_type: str


def document_file(uow, store: DocumentStore, actor: Actor, case_id: str, document_id: int) -> DocumentFile:
    """The document's file, if the actor may read the case (also within a handover's read-only period)."""
    case = readable_case(uow, actor, case_id, with_client=False)
    doc = uow.session.get(CaseDocument, document_id) if isinstance(document_id, int) else None
    if doc is None or doc.case_id != case.id:
        raise NotFound("Das Dokument wurde nicht gefunden.")
    if doc.storage == "deleted":
        raise NotFound("Die Datei wurde nach Ablauf der Aufbewahrungsfrist gelöscht.")
    return DocumentFile(store.read(doc.sha256, doc.storage, doc.content), doc.filename, doc.content_type)
