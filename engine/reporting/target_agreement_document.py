"""The printable Zielvereinbarung: a PDF of a case's current goals, kept in every generated version.

Each print stores the PDF bytes with version number, author, time and SHA-256, and records the event
`target_agreement_printed` so the case timeline links to exactly that version. Printed in a client's language, the
document holds that language first (right-to-left where the script needs it) and the German original after it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.base import Actor, ensure_processing_allowed, readable_case, record_event, visible_case
from engine.db import Goal, Municipality, Organisation, TargetAgreementDocument, User
from engine.errors import Conflict, InvalidInput, NotFound

from .agreement_language import AGREEMENT_LANGUAGES, GERMAN, agreement_gettext, check_language
from .labels import AREAS, GOAL_STATUSES
from .rendering import render_pdf


@dataclass(frozen=True)
class AgreementPdf:
    """A stored version, ready to download."""

    case_id: str
    version: int
    content: bytes
    filename: str


def print_target_agreement(uow, actor: Actor, case_id: str, language: str | None = None) -> int:
    """Render the case's current target agreement as a new PDF version; returns the version number.

    With a `language` other than German the PDF is bilingual: that language first, the German original after.
    """
    if language is not None:
        check_language(language)
    bilingual = language not in (None, GERMAN)
    with uow:
        case = visible_case(uow.session, actor, case_id)
        ensure_processing_allowed(case)
        goals = list(uow.session.execute(select(Goal).where(Goal.case_id == case.id)
                                         .order_by(Goal.agreed_on, Goal.life_area, Goal.title)).scalars())
        if not goals:
            raise InvalidInput("Für diesen Fall wurde noch keine Zielvereinbarung abgeschlossen.")
        version = (uow.session.execute(select(func.max(TargetAgreementDocument.version))
                                       .where(TargetAgreementDocument.case_id == case.id)).scalar() or 0) + 1
        now = uow.clock.now()
        responsible = uow.session.get(User, case.responsible_user_id) if case.responsible_user_id else None
        pdf = render_pdf("target_agreement.html", case=case, client=case.client, goals=goals, version=version,
                         created_at=now, created_by=actor.display_name, areas=AREAS, statuses=GOAL_STATUSES,
                         municipality=uow.session.get(Municipality, case.municipality_id).name,
                         organisation=uow.session.get(Organisation, case.organisation_id).name,
                         responsible=responsible.display_name if responsible else None,
                         lang=AGREEMENT_LANGUAGES[language] if bilingual else None,
                         lang_code=language if bilingual else None,
                         t=agreement_gettext(language if bilingual else GERMAN))
        digest = hashlib.sha256(pdf).hexdigest()
        uow.session.add(TargetAgreementDocument(case_id=case.id, version=version, created_at=now,
                                                created_by=actor.id, sha256=digest, pdf=pdf,
                                                language=language if bilingual else None))
        record_event(uow, "target_agreement_printed", actor.id, case.id, version=version, sha256=digest,
                     goals=len(goals), language=language if bilingual else GERMAN)
        try:
            uow.commit()
        except IntegrityError as exc:
            raise Conflict("Gleichzeitig wurde eine andere Fassung erstellt. Bitte erneut versuchen.") from exc
        return version


def target_agreement_pdf(uow, actor: Actor, case_id: str, version: int) -> AgreementPdf:
    """A stored version of the case's target agreement PDF (for whoever may see the case)."""
    case = readable_case(uow, actor, case_id, with_client=False)
    doc = uow.session.execute(select(TargetAgreementDocument).where(
        TargetAgreementDocument.case_id == case.id, TargetAgreementDocument.version == version)).scalar_one_or_none()
    if doc is None:
        raise NotFound("Diese Fassung der Zielvereinbarung gibt es nicht.")
    suffix = f"_{doc.language}" if doc.language else ""
    return AgreementPdf(case.id, doc.version, doc.pdf,
                        f"Zielvereinbarung_{case.reference}_Fassung_{doc.version}{suffix}.pdf")
