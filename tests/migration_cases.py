"""Building the migration scenario with the real services: v2 of the journey and cases on both sides of its change."""
from __future__ import annotations

from pathlib import Path

from engine.authoring import deploy_definition
from journey import ASSESSMENT, CONSENT, Driver, target_agreement
from support import intake_form

V2 = Path(__file__).parent / "fixtures" / "client_journey_v2.bpmn"
CONTACT = {"occurred_on": "2026-05-01", "kind": "office", "duration_minutes": "45", "topics": "language",
           "summary": "Vorbereitung der Fortschreibung"}


def deploy_v2(container, actor_id: int | None = None):
    """Deploy the journey with the added preparation task before the review; returns the definition id."""
    uow = container.uow()
    with uow:
        definition = deploy_definition(uow, "client_journey", V2.read_text(encoding="utf-8"), actor_id,
                                       "Vorbereitungsgespräch vor der Fortschreibung")
        definition_id = definition.id
        uow.commit()
    return definition_id


def scenario_cases(container, world) -> dict[str, str]:
    """Cases of org A on v1: one at the needs assessment (before the change), one waiting for its review (past
    it); and one of org B at the needs assessment."""
    drive = Driver(container)
    early = drive.open(world.anna, intake_form(world.town_a))
    drive.complete(world.anna, early, CONSENT, expect="Task_Consent")
    waiting = drive.open(world.anna, intake_form(world.town_a, first_name="Omar"))
    drive.complete(world.anna, waiting, CONSENT, expect="Task_Consent")
    drive.complete(world.anna, waiting, ASSESSMENT, expect="Task_Assessment")
    drive.complete(world.anna, waiting, target_agreement(), expect="Task_TargetAgreement")
    foreign = drive.open(world.dora, intake_form(world.town_b, first_name="Lina"))
    drive.complete(world.dora, foreign, CONSENT, expect="Task_Consent")
    return {"early": early, "waiting": waiting, "foreign": foreign}


def broken_journey(xml: str) -> str:
    """The journey with a consent gateway condition that raises (a name that does not exist)."""
    return xml.replace("consent_given == 'yes'</bpmn:conditionExpression>",
                       "consent_given == unbekannte_variable</bpmn:conditionExpression>")


def broken_schedule(xml: str) -> str:
    """The journey whose script after the target agreement uses a name that does not exist."""
    return xml.replace("review_anchor = plan_date", "review_anchor = unbekanntes_datum")
