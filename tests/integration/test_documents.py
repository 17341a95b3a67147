"""Documents per case through the services: storage with hash (database and directory), tenancy, consent restriction,
read-only period, replacement and deletion with audit events, retention, Art. 15 export, the compliance rule, the
virus-scanner hook and the case page's statement budget."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from compliance_cases import CaseBuilder, findings
from document_files import EICAR, PDF, PNG, FakeClamd, docx
from engine.access import HandoverRequest, hand_over_case
from engine.audit import verify_chain
from engine.base import RESTRICTED_MESSAGE, DocumentStore
from engine.casework import case_view
from engine.compliance import SHIPPED_RULES, RulesError, save_rules
from engine.db import Case, CaseDocument, ConsentRecord, Event
from engine.documents import Upload, delete_document, document_file, upload_document
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.privacy import anonymise_due_cases, export_archive, export_json, export_pdf, withdraw_consent
from journey import CONSENT, Driver
from report_data import close_case, served_household
from support import intake_form, rows, statements

META = {"category": "signed_target_agreement", "document_date": "2026-01-14", "note": "Scan vom Original"}


def _consented_case(container, world) -> str:
    drive = Driver(container)
    case_id = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case_id, CONSENT, expect="Task_Consent")
    return case_id


def _upload(container, case_id, actor, data=PDF, name="Zielvereinbarung.pdf", store=None, **meta) -> int:
    return upload_document(container.uow(), store or container.documents, case_id, {**META, **meta},
                           Upload(name, data), actor)


def test_upload_stores_bytes_with_hash_lists_on_the_case_and_audits(container, world):
    case_id = _consented_case(container, world)
    doc_id = _upload(container, case_id, world.anna)
    [doc] = rows(container, CaseDocument, case_id=case_id)
    assert (doc.id, doc.category, doc.document_date, doc.note, doc.filename, doc.content_type, doc.size) == \
        (doc_id, "signed_target_agreement", date(2026, 1, 14), "Scan vom Original", "Zielvereinbarung.pdf",
         "application/pdf", len(PDF))
    assert doc.sha256 == hashlib.sha256(PDF).hexdigest() and doc.storage == "db"
    with container.reader() as r:
        view = case_view(r, world.anna, case_id)
        assert [d.id for d in view.documents] == [doc_id]
        assert view.timeline[0].kind == "document_uploaded"
        assert view.timeline[0].payload["sha256"] == doc.sha256
        assert document_file(r, container.documents, world.carla, case_id, doc_id).data == PDF
        assert verify_chain(r.session.connection()).ok


def test_directory_storage_is_content_addressed_and_files_go_with_the_last_document(container, world, tmp_path):
    store = DocumentStore(directory=tmp_path / "docs")
    case_id = _consented_case(container, world)
    first = _upload(container, case_id, world.anna, data=PNG, name="a.png", store=store)
    second = _upload(container, case_id, world.anna, data=PNG, name="b.png", store=store)
    digest = hashlib.sha256(PNG).hexdigest()
    path = tmp_path / "docs" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == PNG
    assert [p.name for p in (tmp_path / "docs").rglob("*") if p.is_file()] == [digest]  # once, no temp files left
    with container.reader() as r:
        assert r.session.execute(select(CaseDocument.content).where(CaseDocument.case_id == case_id)).all() == \
            [(None,), (None,)]
    with container.reader() as r:
        assert document_file(r, store, world.anna, case_id, first).data == PNG
    delete_document(container.uow(), store, case_id, first, world.anna)
    assert path.exists()  # the second document still names these bytes
    delete_document(container.uow(), store, case_id, second, world.anna)
    assert not path.exists()
    assert [e.kind for e in rows(container, Event, case_id=case_id) if e.kind.startswith("document")] == \
        ["document_uploaded", "document_uploaded", "document_deleted", "document_deleted"]


def test_a_tampered_file_is_refused_on_download(container, world, tmp_path):
    store = DocumentStore(directory=tmp_path / "docs")
    case_id = _consented_case(container, world)
    doc_id = _upload(container, case_id, world.anna, store=store)
    digest = hashlib.sha256(PDF).hexdigest()
    (tmp_path / "docs" / digest[:2] / digest[2:4] / digest).write_bytes(PDF + b"x")
    with container.reader() as r, pytest.raises(Exception, match="Prüfsumme"):
        document_file(r, store, world.anna, case_id, doc_id)


def test_replacement_removes_the_old_document_in_the_same_transaction(container, world):
    case_id = _consented_case(container, world)
    old = _upload(container, case_id, world.anna)
    new = _upload(container, case_id, world.anna, data=docx(), name="neu.docx", replaces=str(old))
    assert [d.id for d in rows(container, CaseDocument, case_id=case_id)] == [new]
    replaced = rows(container, Event, case_id=case_id, kind="document_replaced")[0]
    assert (replaced.payload["document_id"], replaced.payload["replaced_by"]) == (old, new)


def test_another_organisation_can_neither_upload_nor_list_nor_download(container, world):
    case_id = _consented_case(container, world)
    doc_id = _upload(container, case_id, world.anna)
    with pytest.raises(NotFound):
        _upload(container, case_id, world.dora)
    with container.reader() as r:
        with pytest.raises(NotFound):
            case_view(r, world.dora, case_id)
        with pytest.raises(NotFound):
            document_file(r, container.documents, world.dora, case_id, doc_id)
    with pytest.raises(NotFound):
        delete_document(container.uow(), container.documents, case_id, doc_id, world.dora)
    with pytest.raises(Forbidden):  # compliance reads, but does not change cases
        _upload(container, case_id, world.erik)
    assert len(rows(container, CaseDocument, case_id=case_id)) == 1


def test_a_document_of_another_case_is_not_found_through_this_case(container, world):
    mine, other = _consented_case(container, world), _consented_case(container, world)
    doc_id = _upload(container, other, world.anna)
    with container.reader() as r, pytest.raises(NotFound):
        document_file(r, container.documents, world.anna, mine, doc_id)


def test_no_upload_before_consent_or_after_withdrawal(container, world):
    drive = Driver(container)
    fresh = drive.open(world.anna, intake_form(world.town_a))
    with pytest.raises(Forbidden, match="Einwilligung"):
        _upload(container, fresh, world.anna)
    case_id = _consented_case(container, world)
    doc_id = _upload(container, case_id, world.anna)
    consent = rows(container, ConsentRecord, case_id=case_id)[0]
    version = rows(container, Case, id=case_id)[0].version
    assert withdraw_consent(container.uow(), case_id, consent.id, {"withdrawn_on": "2026-01-15", "version": version},
                            world.anna)
    with pytest.raises(Forbidden, match="eingeschränkt") as refused:
        _upload(container, case_id, world.anna)
    assert refused.value.message == RESTRICTED_MESSAGE
    with pytest.raises(Forbidden):
        delete_document(container.uow(), container.documents, case_id, doc_id, world.anna)
    with container.reader() as r:  # the data subject's documents stay readable (export, rectification)
        assert document_file(r, container.documents, world.anna, case_id, doc_id).data == PDF


def test_read_only_period_after_handover_reads_but_does_not_write(container, world, clock):
    case_id = _consented_case(container, world)
    doc_id = _upload(container, case_id, world.anna)
    with container.reader() as r:
        version = r.session.get(Case, case_id).version
    hand_over_case(container.uow(), world.carla, case_id, version,
                   HandoverRequest(kind="case", note="Umzug", to_organisation_id=world.org_b))
    with container.reader() as r:
        assert document_file(r, container.documents, world.carla, case_id, doc_id).data == PDF
        assert [d.id for d in case_view(r, world.carla, case_id).documents] == [doc_id]
    with pytest.raises(Forbidden, match="nur Lesezugriff"):
        _upload(container, case_id, world.carla)
    with pytest.raises(Forbidden, match="nur Lesezugriff"):
        delete_document(container.uow(), container.documents, case_id, doc_id, world.carla)
    clock.advance(days=31)
    with container.reader() as r, pytest.raises(NotFound):
        document_file(r, container.documents, world.carla, case_id, doc_id)


def test_retention_deletes_the_files_and_names_but_keeps_the_row_for_the_rules(container, world, clock, tmp_path):
    store = DocumentStore(directory=tmp_path / "docs")
    container.documents = store
    drive, case_id, _ = served_household(container, world)
    doc_id = _upload(container, case_id, world.anna, data=PNG, name="Pass_Haddad.png", note="Pass von Amina")
    kept = _upload(container, served_household(container, world)[1], world.anna, data=PDF, name="andere.pdf")
    close_case(drive, world, case_id)
    clock.set(datetime(2029, 10, 2, 10, 0, tzinfo=UTC))
    assert anonymise_due_cases(container).cases == 1
    with container.reader() as r:
        doc = r.session.get(CaseDocument, doc_id)
        assert (doc.case_id, doc.filename, doc.note, doc.content, doc.sha256, doc.storage, doc.category) == \
            (case_id, "Anonymisiert", None, None, "", "deleted", "signed_target_agreement")
    digest = hashlib.sha256(PNG).hexdigest()
    assert not (tmp_path / "docs" / digest[:2] / digest[2:4] / digest).exists()
    assert "Haddad" not in json.dumps([e.payload for e in rows(container, Event, case_id=case_id)])
    with container.reader() as r:
        with pytest.raises(NotFound, match="Aufbewahrungsfrist"):
            document_file(r, store, world.carla, case_id, doc_id)
        other = r.session.get(CaseDocument, kept)
        assert document_file(r, store, world.anna, other.case_id, kept).data == PDF  # the other client's stays
        assert verify_chain(r.session.connection()).ok


def test_the_art_15_export_lists_every_document_with_its_hash(container, world):
    case_id = _consented_case(container, world)
    _upload(container, case_id, world.anna)
    _upload(container, case_id, world.anna, data=PNG, name="Aufenthaltstitel.png", category="residence_permit",
            document_date="", note="")
    data = json.loads(export_json(container.uow(), world.carla, case_id)[0])
    docs = data["cases"][0]["documents"]
    assert [(d["filename"], d["category_label"], d["sha256"], d["size"], d["uploaded_by"]) for d in docs] == [
        ("Zielvereinbarung.pdf", "Unterschriebene Zielvereinbarung", hashlib.sha256(PDF).hexdigest(), len(PDF),
         "Anna Adler"),
        ("Aufenthaltstitel.png", "Aufenthaltstitel", hashlib.sha256(PNG).hexdigest(), len(PNG), "Anna Adler")]
    assert docs[0]["document_date"] == "2026-01-14" and docs[1]["document_date"] is None


def test_the_art_15_archive_holds_a_copy_of_every_stored_document(container, world):
    case_id = _consented_case(container, world)
    _upload(container, case_id, world.anna)
    _upload(container, case_id, world.anna, data=PNG, name="Aufenthaltstitel.png", category="residence_permit",
            document_date="", note="")
    content, name = export_archive(container.uow(), container.documents, world.carla, case_id)
    archive = zipfile.ZipFile(io.BytesIO(content))
    files = {n: archive.read(n) for n in archive.namelist()}
    assert name.endswith(".zip") and name[:-4] + ".pdf" in files and name[:-4] + ".json" in files
    assert files["dokumente/001-Zielvereinbarung.pdf"] == PDF
    assert files["dokumente/002-Aufenthaltstitel.png"] == PNG
    assert json.loads(files[name[:-4] + ".json"])["cases"][0]["documents"][1]["sha256"] == \
        hashlib.sha256(PNG).hexdigest()
    with pytest.raises(Forbidden):  # the caseworker does not answer Art. 15 requests
        export_archive(container.uow(), container.documents, world.anna, case_id)


def test_the_signed_agreement_scan_satisfies_the_mandated_step(container, world, clock):
    build = CaseBuilder(container, world)
    with_scan, without = build.case(date(2025, 10, 1)), build.case(date(2025, 10, 1))
    for case_id in (with_scan, without):
        build.consent(case_id, date(2025, 10, 2))
        with container.uow() as uow:
            uow.session.get(Case, case_id).consent_date = date(2025, 10, 2)
            uow.commit()
    _upload(container, with_scan, world.anna)  # uploaded on 15.01.2026 (the fake clock)
    rule = "target_agreement_signed_in_time"
    before_upload = findings(container, date(2025, 11, 20), rule)
    assert set(before_upload) == {with_scan, without}  # both still at risk before the upload existed
    found = findings(container, date(2026, 2, 1), rule)
    # Deadline: 8 weeks after intake (26.11.2025); the scan came later, so the violation is resolved on its day.
    assert found[with_scan] == ("violation", date(2025, 11, 27), date(2026, 1, 15))
    assert found[without][:2] == ("violation", date(2025, 11, 27)) and found[without][2] is None


def test_a_scan_within_the_deadline_means_no_finding_and_the_case_page_says_so(container, world, clock):
    case_id = _consented_case(container, world)
    rule = "target_agreement_signed_in_time"
    assert case_id in findings(container, date(2026, 3, 5), rule)
    _upload(container, case_id, world.anna)
    assert case_id not in findings(container, date(2026, 3, 5), rule)
    with container.reader() as r:
        assert case_view(r, world.anna, case_id).satisfied_rules == [
            "Unterschriebene Zielvereinbarung innerhalb der Frist nach Aufnahme"]
    _upload(container, case_id, world.anna, data=PNG, name="x.png", category="proof")
    with container.reader() as r:
        assert len(case_view(r, world.anna, case_id).satisfied_rules) == 1


def test_the_rule_refuses_an_unknown_document_category(container, world):
    text = SHIPPED_RULES.read_text(encoding="utf-8").replace("document_category: signed_target_agreement",
                                                              "document_category: pass_kopie")
    with pytest.raises(RulesError, match="Unbekannte Dokumentkategorie „pass_kopie“"):
        save_rules(container.uow(), text, "Kategorie geändert", world.erik)


def test_virus_scanner_refuses_eicar_and_fails_closed(container, world):
    case_id = _consented_case(container, world)
    with FakeClamd() as clamd:
        store = replace(container.documents, clamd=clamd.address)
        _upload(container, case_id, world.anna, store=store)
        with pytest.raises(InvalidInput) as infected:
            _upload(container, case_id, world.anna, data=PDF + EICAR, store=store)
        assert infected.value.errors["file"] == \
            "Die Datei enthält Schadsoftware (Eicar-Test-Signature) und wurde nicht gespeichert."
        assert clamd.scanned == [len(PDF), len(PDF + EICAR)]
        address = clamd.address
    with pytest.raises(InvalidInput, match="Virenscanner ist nicht erreichbar"):
        _upload(container, case_id, world.anna, store=replace(container.documents, clamd=address))
    assert len(rows(container, CaseDocument, case_id=case_id)) == 1
    assert len(rows(container, Event, case_id=case_id, kind="document_uploaded")) == 1


def test_the_case_page_pays_one_statement_for_its_documents_however_many(container, world):
    case_id = _consented_case(container, world)

    def count() -> int:
        with statements(container) as seen, container.reader() as uow:
            case_view(uow, world.anna, case_id)
        return len(seen), [s for s in seen if "case_document" in s]

    empty, empty_docs = count()
    assert len(empty_docs) == 1
    for n in range(5):
        _upload(container, case_id, world.anna, name=f"scan-{n}.pdf")
    count()  # the rules version's document categories are read once per process and version
    many, many_docs = count()
    assert (many, len(many_docs)) == (empty, 1)
    assert not re.search(r"case_document\.content\b(?!_)", many_docs[0])  # the bytes are never loaded


def test_the_art_15_pdf_names_the_documents_and_their_hashes(container, world):
    case_id = _consented_case(container, world)
    _upload(container, case_id, world.anna, name="Aufenthaltstitel.pdf", category="residence_permit")
    pdf = export_pdf(container.uow(), world.carla, case_id)[0]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Dokumente" in text and "Aufenthaltstitel.pdf" in text
    assert hashlib.sha256(PDF).hexdigest()[:16] in text.replace("\n", "")
