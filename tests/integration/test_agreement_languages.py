"""The target agreement in the client's language: catalogs, bilingual PDF per language, RTL shaping, the case's
language and goal translations (audited, tenancy, consent restriction)."""
from __future__ import annotations

import io
import json
import subprocess
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from engine.db import Case, Event, Goal, TargetAgreementDocument
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.privacy import anonymise_due_cases, export_json
from engine.reporting import (
    AGREEMENT_LANGUAGES,
    agreement_gettext,
    print_target_agreement,
    set_client_language,
    set_goal_translation,
    target_agreement_pdf,
)
from report_data import close_case, served_household
from support import rows

# One fixed text per language as the catalog translates it, plus the language's own name on the first page.
EXPECTED = {
    "ar": ("خطة الاندماج واتفاقية الأهداف", "بلغة مبسطة", "العربية"),
    "fa": ("برنامه ادغام و توافق‌نامه اهداف", "به زبان ساده", "فارسی"),
    "prs": ("برنامه ادغام و توافق‌نامه اهداف", "به زبان ساده", "دری"),
    "uk": ("План інтеграції та угода про цілі", "Простою мовою", "Українська"),
    "ru": ("План интеграции и соглашение о целях", "Простым языком", "Русский"),
    "tr": ("Entegrasyon planı ve hedef sözleşmesi", "Sade dilde", "Türkçe"),
    "en": ("Integration plan and target agreement", "In plain language", "English"),
}
GERMAN = ("Integrationsplan und Zielvereinbarung", "In einfacher Sprache", "Unterschrift Klient/in")


def _pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _squash(text: str) -> str:
    # pypdf returns right-to-left runs and line breaks in layout order; compare on the letters only.
    return "".join(ch for ch in text if ch.isalpha())


def _goal_ids(container, case_id):
    return [g.id for g in rows(container, Goal, case_id=case_id)]


def test_every_catalog_translates_every_fixed_text():
    german = agreement_gettext("de")
    for code in AGREEMENT_LANGUAGES:
        t = agreement_gettext(code)
        for msgid in ("Ziele", "Unterschrift Klient/in", "Deutsche Fassung", "Arbeit und Ausbildung", "erreicht"):
            assert (t(msgid) == msgid) == (code == "de"), (code, msgid)
        assert german("Hallo %(name)s,", name="Amina") == "Hallo Amina,"
        assert "Amina" in t("Hallo %(name)s,", name="Amina")


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_bilingual_pdf_holds_the_client_language_first_and_the_german_original_after(container, world, code):
    _drive, case_id, _ = served_household(container, world)
    version = print_target_agreement(container.uow(), world.anna, case_id, code)
    with container.reader() as r:
        doc = target_agreement_pdf(r, world.anna, case_id, version)
    pages = _pages(doc.content)
    title, plain, native = EXPECTED[code]
    first = _squash(pages[0])
    assert _squash(title) in first and _squash(native) in first
    assert _squash(plain) in _squash("".join(pages))
    german_from = next(i for i, p in enumerate(pages) if "Deutsche Fassung" in p)
    assert german_from > 0
    german = "".join(pages[german_from:])
    for expected in GERMAN:
        assert expected in german
    assert _squash(title) not in _squash(german)
    assert doc.filename.endswith(f"_Fassung_{version}_{code}.pdf")
    stored = rows(container, TargetAgreementDocument, case_id=case_id)[0]
    assert stored.language == code
    event = [e for e in rows(container, Event, case_id=case_id) if e.kind == "target_agreement_printed"][0]
    assert event.payload["language"] == code


def test_german_print_stays_german_only(container, world):
    _drive, case_id, _ = served_household(container, world)
    version = print_target_agreement(container.uow(), world.anna, case_id, "de")
    with container.reader() as r:
        text = "".join(_pages(target_agreement_pdf(r, world.anna, case_id, version).content))
    assert "Deutsche Fassung" not in text and "Integrationsplan und Zielvereinbarung" in text
    assert rows(container, TargetAgreementDocument, case_id=case_id)[0].language is None


def test_unknown_language_is_refused(container, world):
    _drive, case_id, _ = served_household(container, world)
    with pytest.raises(InvalidInput, match="nicht angeboten"):
        print_target_agreement(container.uow(), world.anna, case_id, "xx")
    with pytest.raises(InvalidInput):
        set_client_language(container.uow(), world.anna, case_id, "klingonisch")


def test_goal_translation_is_printed_in_the_client_language_part(container, world):
    _drive, case_id, _ = served_household(container, world)
    goal_id = _goal_ids(container, case_id)[0]
    set_goal_translation(container.uow(), world.anna, case_id, goal_id, "Сдать экзамен B1", "ru")
    version = print_target_agreement(container.uow(), world.anna, case_id, "ru")
    with container.reader() as r:
        pages = _pages(target_agreement_pdf(r, world.anna, case_id, version).content)
    german_from = next(i for i, p in enumerate(pages) if "Deutsche Fassung" in p)
    assert "Сдать экзамен B1" in "".join(pages[:german_from])
    assert "Сдать экзамен B1" not in "".join(pages[german_from:])


def test_client_language_and_goal_translation_are_audited_and_clearable(container, world):
    _drive, case_id, _ = served_household(container, world)
    set_client_language(container.uow(), world.anna, case_id, "ar")
    set_client_language(container.uow(), world.anna, case_id, "ar")   # unchanged: no second event
    goal_id = _goal_ids(container, case_id)[0]
    set_goal_translation(container.uow(), world.anna, case_id, goal_id, "اجتياز امتحان B1", "ar")
    assert rows(container, Case, id=case_id)[0].client_language == "ar"
    goal = rows(container, Goal, id=goal_id)[0]
    assert (goal.translation, goal.translation_language) == ("اجتياز امتحان B1", "ar")
    set_goal_translation(container.uow(), world.anna, case_id, goal_id, "  ", "ar")
    goal = rows(container, Goal, id=goal_id)[0]
    assert (goal.translation, goal.translation_language) == (None, None)
    kinds = [e.kind for e in rows(container, Event, case_id=case_id)]
    assert kinds.count("client_language_set") == 1 and kinds.count("goal_translation_set") == 2


def test_other_tenants_read_only_roles_and_restricted_cases_cannot_set_the_language(container, world):
    _drive, case_id, _ = served_household(container, world)
    goal_id = _goal_ids(container, case_id)[0]
    with pytest.raises(NotFound):
        set_client_language(container.uow(), world.dora, case_id, "ar")
    with pytest.raises(NotFound):
        set_goal_translation(container.uow(), world.dora, case_id, goal_id, "x", "ar")
    with pytest.raises(Forbidden):
        set_client_language(container.uow(), world.erik, case_id, "ar")   # compliance reads, never edits
    with container.uow() as uow:
        uow.session.get(Case, case_id).processing_restricted = True
        uow.commit()
    with pytest.raises(Forbidden):
        set_client_language(container.uow(), world.anna, case_id, "ar")
    assert rows(container, Case, id=case_id)[0].client_language is None


@pytest.mark.parametrize("code, family", [("ar", "Noto-Naskh-Arabic"), ("fa", "Noto-Naskh-Arabic"),
                                          ("uk", "Noto-Sans"), ("tr", "Noto-Sans")])
def test_pdf_renders_to_an_image_in_the_named_font(container, world, tmp_path, code, family):
    """Page 1 goes through poppler; the PNG is what a reviewer looks at (shaping, direction, no tofu)."""
    _drive, case_id, _ = served_household(container, world)
    version = print_target_agreement(container.uow(), world.anna, case_id, code)
    with container.reader() as r:
        pdf = target_agreement_pdf(r, world.anna, case_id, version).content
    (tmp_path / f"{code}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(tmp_path / f"{code}.pdf"),
                    str(tmp_path / "page")], check=True)
    fonts = subprocess.run(["pdffonts", str(tmp_path / f"{code}.pdf")], check=True, capture_output=True,
                           text=True).stdout
    assert family in fonts   # the client's language is set in the named Noto family, not a fallback
    assert len(list(tmp_path.glob("page*.png"))) == 2


def test_goal_translation_is_in_the_art_15_export_and_removed_at_retention(container, world, clock):
    drive, case_id, _ = served_household(container, world)
    goal_id = _goal_ids(container, case_id)[0]
    set_goal_translation(container.uow(), world.anna, case_id, goal_id, "B1 sınavını geçmek", "tr")
    content, _name = export_json(container.uow(), world.carla, case_id)
    goals = json.loads(content)["cases"][0]["goals"]
    assert {(g["translation"], g["translation_language"]) for g in goals} >= {("B1 sınavını geçmek", "tr")}
    close_case(drive, world, case_id)   # closed on 01.10.2026; three years of retention
    clock.set(datetime(2029, 10, 2, 10, 0, tzinfo=UTC))
    assert anonymise_due_cases(container).cases == 1
    assert [g.translation for g in rows(container, Goal, case_id=case_id)] == [None, None]
