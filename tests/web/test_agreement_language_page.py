"""The case page's client language: picker, goal translation, the client's language offered first for printing."""
from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from engine.db import Case, Goal, TargetAgreementDocument
from report_data import served_household
from support import rows


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def served(container, world):
    """One served household in Astadt (organisation A); returns its case id."""
    return served_household(container, world)[1]


def test_language_set_on_the_case_page_puts_its_bilingual_print_first(signed_in, container, served):
    client = signed_in("anna")
    page = _text(client.get(f"/cases/{served}"))
    assert "Sprache der Zielvereinbarung" in page and "auf Arabisch und Deutsch" not in page
    response = client.post(f"/cases/{served}/sprache", data={"language": "ar"})
    assert response.status_code == 302
    assert rows(container, Case, id=served)[0].client_language == "ar"
    page = _text(client.get(f"/cases/{served}"))
    first_print = page.index("Zielvereinbarung auf Arabisch und Deutsch (PDF)")
    assert first_print < page.index("Zielvereinbarung als PDF")
    assert "Sprache der Klientin / des Klienten festgelegt" in page   # the timeline shows the audit event
    response = client.post(f"/cases/{served}/zielvereinbarung", data={"language": "ar"})
    assert response.headers["Location"].endswith("/zielvereinbarung/1.pdf")
    pdf = client.get(response.headers["Location"])
    assert "_ar.pdf" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Deutsche Fassung" in text and "In einfacher Sprache" in text
    assert rows(container, TargetAgreementDocument)[0].language == "ar"


def test_goal_translation_is_saved_shown_and_cleared(signed_in, container, served):
    client = signed_in("anna")
    client.post(f"/cases/{served}/sprache", data={"language": "uk"})
    goal_id = rows(container, Goal, case_id=served)[0].id
    assert client.post(f"/cases/{served}/ziele/{goal_id}/uebersetzung",
                       data={"language": "uk", "translation": "Скласти іспит B1"}).status_code == 302
    assert "Скласти іспит B1" in _text(client.get(f"/cases/{served}"))
    client.post(f"/cases/{served}/ziele/{goal_id}/uebersetzung", data={"language": "uk", "translation": ""})
    assert rows(container, Goal, id=goal_id)[0].translation is None


@pytest.mark.parametrize("path, data", [
    ("sprache", {"language": "xx"}),
    ("sprache", {}),
    ("zielvereinbarung", {"language": "klingonisch"}),
])
def test_invalid_language_gets_a_german_message(signed_in, served, path, data):
    response = signed_in("anna").post(f"/cases/{served}/{path}", data=data)
    assert response.status_code == 422
    assert "Bitte eine Sprache aus der Liste wählen." in _text(response)


def test_too_long_translation_and_foreign_goal_are_refused(signed_in, container, served):
    client = signed_in("anna")
    goal_id = rows(container, Goal, case_id=served)[0].id
    response = client.post(f"/cases/{served}/ziele/{goal_id}/uebersetzung",
                           data={"language": "ar", "translation": "x" * 3001})
    assert response.status_code == 422 and "Höchstens 3000 Zeichen." in _text(response)
    assert client.post(f"/cases/{served}/ziele/nope/uebersetzung",
                       data={"language": "ar", "translation": "x"}).status_code == 404


def test_other_organisation_and_read_roles_cannot_change_the_language(signed_in, container, served):
    assert signed_in("dora").post(f"/cases/{served}/sprache", data={"language": "ar"}).status_code == 404
    assert signed_in("erik").post(f"/cases/{served}/sprache", data={"language": "ar"}).status_code == 403
    assert rows(container, Case, id=served)[0].client_language is None
    page = _text(signed_in("erik").get(f"/cases/{served}"))
    assert "Sprache speichern" not in page
