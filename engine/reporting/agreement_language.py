"""The client's language for the target agreement: the choices, the gettext catalogs, and who may set them.

The agreement's fixed texts are translated through gettext catalogs of their own domain (`agreement`, under
`agreement_translations/`), apart from the web UI's catalogs. Every translation is a first draft marked for review
by a translator; the printed document says that the German text is authoritative.
"""
from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select

from engine.base import Actor, ensure_processing_allowed, record_event, require_editor, visible_case
from engine.db import Goal
from engine.errors import InvalidInput, NotFound

CATALOGS = Path(__file__).parent / "agreement_translations"
DOMAIN = "agreement"
GERMAN = "de"
MAX_TRANSLATION = 3000


@dataclass(frozen=True)
class AgreementLanguage:
    """A language the agreement can be printed in: German label, own name, writing direction, catalog."""

    label: str
    native: str
    direction: str
    catalog: str | None
    html_lang: str


AGREEMENT_LANGUAGES = {
    "de": AgreementLanguage("Deutsch", "Deutsch", "ltr", None, "de"),
    "ar": AgreementLanguage("Arabisch", "العربية", "rtl", "ar", "ar"),
    # Dari shares the Persian catalog for now (same script, largely the same written language); a translator
    # should review the Afghan usage before the Dari version is relied on.
    "prs": AgreementLanguage("Dari", "دری", "rtl", "fa", "fa-AF"),
    "fa": AgreementLanguage("Farsi", "فارسی", "rtl", "fa", "fa"),
    "uk": AgreementLanguage("Ukrainisch", "Українська", "ltr", "uk", "uk"),
    "ru": AgreementLanguage("Russisch", "Русский", "ltr", "ru", "ru"),
    "tr": AgreementLanguage("Türkisch", "Türkçe", "ltr", "tr", "tr"),
    "en": AgreementLanguage("Englisch", "English", "ltr", "en", "en"),
}
LANGUAGE_LABELS = {code: lang.label for code, lang in AGREEMENT_LANGUAGES.items()}


@cache
def _catalog(code: str) -> gettext.NullTranslations:
    lang = AGREEMENT_LANGUAGES[code]
    if lang.catalog is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=CATALOGS, languages=[lang.catalog])


def agreement_gettext(code: str):
    """A `t(msgid, **values)` function translating the agreement's fixed German texts into language `code`."""
    catalog = _catalog(code)

    def t(msgid: str, **values) -> str:
        text = catalog.gettext(msgid)
        return text % values if values else text

    return t


def check_language(code: str | None, *, field: str = "language") -> str:
    """The language code if the agreement can be printed in it, else a German input error."""
    if code not in AGREEMENT_LANGUAGES:
        raise InvalidInput("Diese Sprache wird für die Zielvereinbarung nicht angeboten.",
                           {field: "Bitte eine Sprache aus der Liste wählen."})
    return code


def set_client_language(uow, actor: Actor, case_id: str, language: str) -> None:
    """Record the client's language on the case (audited); the case page then offers that agreement first."""
    check_language(language)
    with uow:
        require_editor(actor)
        case = visible_case(uow.session, actor, case_id, with_client=False)
        ensure_processing_allowed(case)
        if case.client_language == language:
            return
        previous, case.client_language = case.client_language, language
        record_event(uow, "client_language_set", actor.id, case.id, language=language, previous=previous)
        uow.commit()


def set_goal_translation(uow, actor: Actor, case_id: str, goal_id: str, text: str | None, language: str) -> None:
    """Store (or clear, with empty text) a goal's translation into the client's language (audited)."""
    check_language(language)
    text = (text or "").strip() or None
    if text is not None and len(text) > MAX_TRANSLATION:
        raise InvalidInput("Die Übersetzung ist zu lang.", {"translation": f"Höchstens {MAX_TRANSLATION} Zeichen."})
    if text is not None and language == GERMAN:
        raise InvalidInput("Bitte zuerst eine andere Sprache als Deutsch für die Klientin / den Klienten wählen.",
                           {"translation": "Der deutsche Text ist das Original."})
    with uow:
        require_editor(actor)
        case = visible_case(uow.session, actor, case_id, with_client=False)
        ensure_processing_allowed(case)
        goal = uow.session.execute(select(Goal).where(Goal.id == goal_id, Goal.case_id == case.id)).scalar_one_or_none()
        if goal is None:
            raise NotFound("Dieses Ziel gehört nicht zu diesem Fall.")
        goal.translation = text
        goal.translation_language = language if text else None
        goal.updated_at = uow.clock.now()
        record_event(uow, "goal_translation_set", actor.id, case.id, goal_id=goal.id, language=language,
                     cleared=text is None)
        uow.commit()
