"""The printable Zielvereinbarung: content, every version kept with its hash, timeline event, access."""
from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from engine.db import Event, TargetAgreementDocument
from engine.errors import InvalidInput, NotFound
from engine.reporting import print_target_agreement, target_agreement_pdf
from journey import Driver
from report_data import served_household
from support import intake_form, rows


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _pdf(container, actor, case_id, version):
    with container.reader() as r:
        return target_agreement_pdf(r, actor, case_id, version)


def test_pdf_holds_goals_obligations_support_signatures_and_plain_language(container, world):
    _drive, case_id, _ = served_household(container, world)
    version = print_target_agreement(container.uow(), world.anna, case_id)
    text = _text(_pdf(container, world.anna, case_id, version).content)
    for expected in ("Integrationsplan und Zielvereinbarung", "Amina Haddad", "Caritas Test", "Anna Adler",
                     "Ziel 1: B1-Prüfung", "Ziel 2: B1-Prüfung", "Kurs regelmäßig besuchen", "Anmeldung, Kita",
                     "Klientin, IM", "30.09.2026", "Unterschrift Klient/in", "Unterschrift Integrationsmanager/in",
                     "Nächste Überprüfung", "01.08.2026", "In einfacher Sprache", "So helfen wir Ihnen"):
        assert expected in text, expected


def test_every_print_is_a_new_kept_version_linked_from_the_timeline(container, world, clock):
    _drive, case_id, _ = served_household(container, world)
    assert print_target_agreement(container.uow(), world.anna, case_id) == 1
    clock.advance(days=1)
    assert print_target_agreement(container.uow(), world.erik, case_id) == 2   # compliance may print, too
    docs = rows(container, TargetAgreementDocument, case_id=case_id)
    assert [(d.version, d.created_by) for d in docs] == [(1, world.anna.id), (2, world.erik.id)]
    assert all(d.sha256 == hashlib.sha256(d.pdf).hexdigest() for d in docs)
    events = [e for e in rows(container, Event, case_id=case_id) if e.kind == "target_agreement_printed"]
    assert [(e.payload["version"], e.payload["sha256"]) for e in events] == [(d.version, d.sha256) for d in docs]
    first = _pdf(container, world.anna, case_id, 1)
    assert first.content == docs[0].pdf and first.filename.endswith("_Fassung_1.pdf")


def test_case_without_goals_has_no_agreement_to_print(container, world):
    case_id = Driver(container).open(world.anna, intake_form(world.town_a))
    with pytest.raises(InvalidInput, match="noch keine Zielvereinbarung"):
        print_target_agreement(container.uow(), world.anna, case_id)


def test_other_organisations_neither_print_nor_download(container, world):
    _drive, case_id, _ = served_household(container, world)
    print_target_agreement(container.uow(), world.anna, case_id)
    with pytest.raises(NotFound):
        print_target_agreement(container.uow(), world.dora, case_id)
    with pytest.raises(NotFound):
        _pdf(container, world.dora, case_id, 1)
    with pytest.raises(NotFound):
        _pdf(container, world.anna, case_id, 2)
