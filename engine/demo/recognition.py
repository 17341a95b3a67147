"""Some demo clients also have a foreign qualification recognised: the shipped case process runs on their cases."""
from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from engine.casework import complete_task, start_process
from engine.db import Case, OpenTask
from engine.errors import IntegraflowError

from .people import iso

PROFESSIONS = (("Krankenpflegerin", "Syrien"), ("Elektriker", "Afghanistan"), ("Lehrerin", "Ukraine"))


def start_recognitions(demo, actors: dict, limit: int = 3) -> int:
    """Start the recognition process on the first open cases with consent; the first one gets its advice done."""
    with demo.reader() as r:
        cases = r.session.execute(select(Case.id, Case.version, Case.responsible_user_id)
                                  .where(Case.status == "open", Case.consent_date.is_not(None),
                                         Case.processing_restricted.is_(False), Case.phase == "review")
                                  .order_by(Case.reference).limit(limit)).all()
    by_id = {actor.id: actor for actor in actors.values()}
    started = 0
    for n, (case_id, version, responsible) in enumerate(cases):
        actor = by_id.get(responsible)
        if actor is None:
            continue
        try:
            process_id = start_process(demo.uow(), case_id, "recognition", actor, version)
        except IntegraflowError:
            continue  # not deployed in this installation, or the case moved on: the demo goes without it
        started += 1
        if n == 0:
            _advice(demo, actor, case_id, process_id, version + 1, PROFESSIONS[n])
    return started


def _advice(demo, actor, case_id: str, process_id: str, version: int, profession: tuple[str, str]) -> None:
    with demo.reader() as r:
        task_id = r.session.execute(select(OpenTask.id).where(OpenTask.process_id == process_id)).scalar_one()
    data = {"advice_date": iso(demo.clock.today()), "profession": profession[0],
            "qualification_country": profession[1], "advice_center": "iq", "regulated": "yes",
            "advice_note": "Zeugnisse übersetzen lassen, Antrag beim Regierungspräsidium vorbereiten."}
    complete_task(demo.uow(), case_id, task_id, MultiDict(data), actor, version)
