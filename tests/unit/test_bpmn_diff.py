"""The comparison of two BPMN versions: added, removed and changed elements with German descriptions."""
from __future__ import annotations

import pytest

from engine.config import SHIPPED_BPMN_DIR
from engine.workflow import UnsafeXml, diff_definitions

SHIPPED = (SHIPPED_BPMN_DIR / "client_journey.bpmn").read_text(encoding="utf-8")


def _changed(diff) -> dict[str, tuple[str, ...]]:
    return {c.element_id: c.details for c in diff.changed}


def test_identical_versions_have_no_differences():
    diff = diff_definitions(SHIPPED, SHIPPED)
    assert diff.empty and diff.ids() == {"added": [], "removed": [], "changed": []}


@pytest.mark.parametrize("old,new,element_id,line", [
    ('name="Bedarfsanalyse"', 'name="Bedarfsgespräch"', "Task_Assessment",
     "Name: „Bedarfsanalyse“ → „Bedarfsgespräch“"),
    ('camunda:formKey="assessment"', 'camunda:formKey="assessment_v2"', "Task_Assessment",
     "Formular: „assessment“ → „assessment_v2“"),
    ('camunda:formKey="consent" camunda:candidateGroups="caseworker"',
     'camunda:formKey="consent" camunda:candidateGroups="supervisor"', "Task_Consent",
     "Rolle: „caseworker“ → „supervisor“"),
    ("eligible == True", "eligible", "Flow_Eligible_Yes", "Bedingung: „eligible == True“ → „eligible“"),
    ("deadlines['assessment'])", "deadlines['target_agreement'])", "Task_Assessment",
     "Fälligkeit: „add_duration(intake_date, deadlines['assessment'])“ → "
     "„add_duration(intake_date, deadlines['target_agreement'])“"),
])
def test_changed_aspects_are_described(old, new, element_id, line):
    assert old in SHIPPED
    changed = _changed(diff_definitions(SHIPPED, SHIPPED.replace(old, new, 1)))
    assert line in changed[element_id]


def test_added_task_between_two_steps_changes_the_flows_around_it():
    new = SHIPPED.replace(
        '<bpmn:sequenceFlow id="Flow_Assessment_Plan" sourceRef="Task_Assessment" targetRef="Task_TargetAgreement" />',
        '<bpmn:sequenceFlow id="Flow_Assessment_Plan" sourceRef="Task_Assessment" targetRef="Task_Extra" />'
        '<bpmn:userTask id="Task_Extra" name="Zusatzgespräch" camunda:formKey="contact" '
        'camunda:candidateGroups="caseworker" />'
        '<bpmn:sequenceFlow id="Flow_Extra_Plan" sourceRef="Task_Extra" targetRef="Task_TargetAgreement" />')
    diff = diff_definitions(SHIPPED, new)
    assert sorted(diff.ids()["added"]) == ["Flow_Extra_Plan", "Task_Extra"]
    assert [(c.type_label, c.name) for c in diff.added if c.element_id == "Task_Extra"] == [
        ("Benutzeraufgabe", "Zusatzgespräch")]
    changed = _changed(diff)
    assert "Ziel: „Task_TargetAgreement“ → „Task_Extra“" in changed["Flow_Assessment_Plan"]
    assert any(line.startswith("Eingehende Flüsse:") for line in changed["Task_TargetAgreement"])
    assert diff.removed == []


def test_removed_element_is_listed_against_the_old_version():
    diff = diff_definitions(SHIPPED, SHIPPED.replace(
        '<bpmn:sequenceFlow id="Flow_Consent_No" name="nein" sourceRef="Gateway_Consent" '
        'targetRef="End_NoConsent" />', ""))
    assert [(c.element_id, c.type_label) for c in diff.removed] == [("Flow_Consent_No", "Sequenzfluss")]


def test_timer_documentation_and_lane_changes():
    xml = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">'
           '<bpmn:process id="p"><bpmn:laneSet><bpmn:lane id="L1" name="{lane}"><bpmn:flowNodeRef>T</bpmn:flowNodeRef>'
           '</bpmn:lane></bpmn:laneSet><bpmn:task id="T" name="t"><bpmn:documentation>{doc}</bpmn:documentation>'
           '</bpmn:task><bpmn:intermediateCatchEvent id="W"><bpmn:timerEventDefinition>'
           '<bpmn:timeDuration>{timer}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
           '</bpmn:process></bpmn:definitions>')
    old = xml.format(lane="Integrationsmanagement", doc="alt", timer='"P3M"')
    new = xml.format(lane="Teamleitung", doc="neu", timer='"P1M"')
    changed = _changed(diff_definitions(old, new))
    assert changed["T"] == ("Dokumentation: „alt“ → „neu“", "Lane: „Integrationsmanagement“ → „Teamleitung“")
    assert changed["W"] == ('Zeitgeber: „timeDuration "P3M"“ → „timeDuration "P1M"“',)
    assert changed["L1"] == ("Name: „Integrationsmanagement“ → „Teamleitung“",)


def test_hostile_input_raises_unsafe_xml():
    with pytest.raises(UnsafeXml):
        diff_definitions(SHIPPED, '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')
