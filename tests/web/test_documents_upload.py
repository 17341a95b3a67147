"""Documents through the case page: the upload fuzz (wrong type with a right name, oversized, EICAR, empty, hostile
names) refuses in German and stores nothing; downloads are attachments, nosniff, access-logged; the section lists."""
from __future__ import annotations

import hashlib
import html
import io
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from document_files import EICAR, EXE, HTML, JPEG, PDF, PNG, FakeClamd, docx, plain_zip
from engine.db import AccessLog, CaseDocument, Event
from engine.documents import safe_filename
from journey import CONSENT, Driver
from support import intake_form

TYPE_REFUSAL = "Dieser Dateityp ist nicht erlaubt."


@pytest.fixture
def case_id(container, world):
    """An open case of organisation A with consent recorded."""
    drive = Driver(container)
    case = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, case, CONSENT, expect="Task_Consent")
    return case


def _text(response) -> str:
    return html.unescape(response.get_data().decode("utf-8", errors="replace"))


def _post(client, case_id, data: bytes | None, name: str = "scan.pdf", **form):
    fields = {"category": "signed_target_agreement", "document_date": "2026-01-10", "note": "", **form}
    if data is not None:
        fields["file"] = (io.BytesIO(data), name)
    return client.post(f"/cases/{case_id}/dokumente", data=fields, content_type="multipart/form-data")


def _stored(container) -> tuple[int, int]:
    with container.reader() as r:
        return (r.session.execute(select(func.count()).select_from(CaseDocument)).scalar_one(),
                r.session.execute(select(func.count()).select_from(Event)
                                  .where(Event.kind == "document_uploaded")).scalar_one())


@pytest.mark.parametrize(("data", "name", "message"), [
    (HTML, "bescheid.pdf", TYPE_REFUSAL),
    (EXE, "aufenthaltstitel.pdf", TYPE_REFUSAL),
    (EXE, "foto.png", TYPE_REFUSAL),
    (plain_zip(), "vertrag.docx", TYPE_REFUSAL),
    (b"%PDF" + b"\0" * 3, "kurz.txt", TYPE_REFUSAL),
    (b"just text, not a pdf", "nachweis.pdf", TYPE_REFUSAL),
    (b"", "leer.pdf", "Die Datei ist leer."),
    (None, None, "Die Datei ist leer."),
], ids=["html-as-pdf", "exe-as-pdf", "exe-as-png", "zip-as-docx", "pdf-marker-only", "text-as-pdf", "empty",
        "no-file"])
def test_wrong_empty_and_missing_files_are_refused_in_german_and_nothing_is_stored(
        signed_in, container, case_id, data, name, message):
    response = _post(signed_in("anna"), case_id, data, name or "x")
    assert response.status_code == 422
    text = _text(response)
    assert message in text and 'id="dokumente"' in text
    assert _stored(container) == (0, 0)


def test_missing_category_and_bad_date_are_refused_per_field(signed_in, container, case_id):
    response = _post(signed_in("anna"), case_id, PDF, category="", document_date="31.02.2026")
    text = _text(response)
    assert response.status_code == 422
    assert "Bitte eine Kategorie auswählen." in text and "Bitte ein gültiges Datum angeben." in text
    response = _post(signed_in("anna"), case_id, PDF, category="passkopie")
    assert response.status_code == 422 and "Bitte eine Kategorie auswählen." in _text(response)
    assert _stored(container) == (0, 0)


def test_a_file_over_the_limit_is_refused_with_the_limit_named(signed_in, container, case_id):
    container.documents = replace(container.documents, max_bytes=64 * 1024)
    just_over = PDF + b"0" * (64 * 1024 - len(PDF) + 1)
    response = _post(signed_in("anna"), case_id, just_over)
    assert response.status_code == 422 and "Die Datei ist zu groß (erlaubt sind höchstens 64 KB)." in _text(response)
    assert "höchstens 64 KB" in _text(response)  # the form names the configured limit
    far_over = PDF + b"0" * (2 * 1024 * 1024)  # beyond the body limit: refused from its length, unread
    response = _post(signed_in("anna"), case_id, far_over)
    assert response.status_code == 413 and "Die Datei ist zu groß" in _text(response)
    assert _stored(container) == (0, 0)


def test_the_default_limit_takes_files_larger_than_the_app_wide_body_limit(signed_in, container, case_id):
    three_mb = PDF + b"0" * (3 * 1024 * 1024)
    assert _post(signed_in("anna"), case_id, three_mb).status_code == 302
    assert _stored(container) == (1, 1)


def test_eicar_is_refused_when_the_scanner_is_configured(signed_in, container, case_id):
    with FakeClamd() as clamd:
        container.documents = replace(container.documents, clamd=clamd.address)
        response = _post(signed_in("anna"), case_id, PDF + EICAR)
        assert response.status_code == 422
        assert "Die Datei enthält Schadsoftware (Eicar-Test-Signature) und wurde nicht gespeichert." in _text(response)
        assert _stored(container) == (0, 0)
        assert _post(signed_in("anna"), case_id, PDF).status_code == 302
    response = _post(signed_in("anna"), case_id, PNG, "foto.png")  # scanner gone: refused, not waved through
    assert response.status_code == 422 and "Der Virenscanner ist nicht erreichbar" in _text(response)
    assert _stored(container) == (1, 1)


@pytest.mark.parametrize(("name", "stored"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
    ("Bescheid Jobcenter – März.pdf", "Bescheid Jobcenter _ März.pdf"),
    ("تصريح الإقامة.pdf", "تصريح الإقامة.pdf"),
    ("." * 5, "dokument.pdf"),
    ("scan.exe", "scan.pdf"),
    ("x" * 500 + ".pdf", "x" * 116 + ".pdf"),
])
def test_hostile_file_names_are_sanitised(signed_in, container, case_id, name, stored):
    assert _post(signed_in("anna"), case_id, PDF, name).status_code == 302
    with container.reader() as r:
        assert r.session.execute(select(CaseDocument.filename)).scalar_one() == stored


@pytest.mark.parametrize(("name", "stored"), [
    ("a\r\nContent-Disposition: inline.pdf", "aContent-Disposition_ inline.pdf"),
    ('"quoted";name.pdf', "quoted_name.pdf"),
    ("\u202egnp.pdf", "gnp.pdf"),                 # right-to-left override: no name that reads as another type
    ("nul\x00byte.pdf", "nulbyte.pdf"),
    ("CON", "CON.pdf"),
    ("", "dokument.pdf"),
    (None, "dokument.pdf"),
])
def test_names_a_browser_would_not_send_are_sanitised_too(name, stored):
    assert safe_filename(name, "application/pdf") == stored


@pytest.mark.parametrize(("data", "name", "mime"), [
    (PDF, "a.pdf", "application/pdf"), (PNG, "b.png", "image/png"), (JPEG, "c.jpeg", "image/jpeg"),
    (docx(), "d.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
], ids=["pdf", "png", "jpeg", "docx"])
def test_download_is_an_attachment_with_nosniff_and_is_access_logged(signed_in, container, world, case_id, data,
                                                                      name, mime):
    assert _post(signed_in("anna"), case_id, data, name).status_code == 302
    with container.reader() as r:
        doc = r.session.execute(select(CaseDocument)).scalar_one()
    response = signed_in("carla").get(f"/cases/{case_id}/dokumente/{doc.id}")
    assert response.status_code == 200 and response.data == data
    assert response.mimetype == mime
    assert response.headers["Content-Disposition"] == f"attachment; filename={name.split('.')[0]}." + \
        {"image/jpeg": "jpg"}.get(mime, name.split(".")[1])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    with container.reader() as r:
        line = r.session.execute(select(AccessLog).order_by(AccessLog.id.desc()).limit(1)).scalar_one()
    assert (line.user_id, line.case_id, line.action, line.outcome) == (world.carla.id, case_id, "download", "ok")
    assert hashlib.sha256(response.data).hexdigest() == doc.sha256


def test_a_unicode_name_is_offered_in_the_rfc_5987_form(signed_in, case_id, container):
    _post(signed_in("anna"), case_id, PDF, "Aufenthaltstitel_Ägypten.pdf")
    with container.reader() as r:
        doc_id = r.session.execute(select(CaseDocument.id)).scalar_one()
    disposition = signed_in("anna").get(f"/cases/{case_id}/dokumente/{doc_id}").headers["Content-Disposition"]
    assert "filename*=UTF-8''Aufenthaltstitel_%C3%84gypten.pdf" in disposition


def test_another_organisation_gets_not_found_and_the_attempt_is_logged(signed_in, container, world, case_id):
    _post(signed_in("anna"), case_id, PDF)
    with container.reader() as r:
        doc_id = r.session.execute(select(CaseDocument.id)).scalar_one()
    assert signed_in("dora").get(f"/cases/{case_id}/dokumente/{doc_id}").status_code == 404
    assert _post(signed_in("dora"), case_id, PNG, "b.png").status_code == 404
    assert signed_in("dora").post(f"/cases/{case_id}/dokumente/{doc_id}/loeschen").status_code == 404
    assert _stored(container) == (1, 1)
    with container.reader() as r:
        line = r.session.execute(select(AccessLog).where(AccessLog.user_id == world.dora.id)
                                 .order_by(AccessLog.id)).scalars().first()
    assert (line.action, line.outcome) == ("download", "not_found")


def test_the_section_lists_replaces_and_deletes(signed_in, container, case_id):
    client = signed_in("anna")
    _post(client, case_id, PDF, "Zielvereinbarung unterschrieben.pdf", note="Original im Ordner")
    page = _text(client.get(f"/cases/{case_id}"))
    assert "Zielvereinbarung unterschrieben.pdf" in page and "Original im Ordner" in page
    assert "Unterschriebene Zielvereinbarung" in page and "10.01.2026" in page and "Anna Adler" in page
    assert "Pflichtschritt erfüllt" in page and "Dokument hochgeladen" in page
    with container.reader() as r:
        doc_id = r.session.execute(select(CaseDocument.id)).scalar_one()
    response = _post(client, case_id, PNG, "neu.png", replaces=str(doc_id))
    assert response.status_code == 302
    page = _text(client.get(f"/cases/{case_id}"))
    assert "neu.png" in page and "Zielvereinbarung unterschrieben.pdf" not in page.split('id="verlauf"')[0]
    with container.reader() as r:
        new_id = r.session.execute(select(CaseDocument.id)).scalar_one()
    assert client.post(f"/cases/{case_id}/dokumente/{new_id}/loeschen").status_code == 302
    page = _text(client.get(f"/cases/{case_id}"))
    assert "Noch keine Dokumente." in page and "Dokument gelöscht" in page and "Pflichtschritt erfüllt" not in page
