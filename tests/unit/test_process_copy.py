"""A copy of a process under a new key: the process id, the diagram and a self-call follow; declarations kept."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.workflow import UnsafeXml, parse_model, rename_process
from engine.workflow.declarations import process_declaration
from support import shipped_decisions

ROOT = Path(__file__).parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def test_the_shipped_journey_copied_under_a_new_key_is_a_case_process_with_its_diagram():
    xml = rename_process((ROOT / "bpmn" / "client_journey.bpmn").read_text(encoding="utf-8"), "reise_kopie",
                         "Kopie der Reise", kind="case_process")
    assert "client_journey" not in xml
    model = parse_model(xml.encode("utf-8"), decisions=shipped_decisions())
    assert model.process_id == "reise_kopie" and model.kind == "case_process"
    assert 'bpmnElement="Participant_Journey"' in xml and 'processRef="reise_kopie"' in xml


def test_a_process_without_declarations_gets_them_and_keeps_its_documentation():
    xml = (f'<bpmn:definitions xmlns:bpmn="{BPMN[1:-1]}" id="d" targetNamespace="t">'
           '<bpmn:process id="old" isExecutable="true"><bpmn:documentation>Doku</bpmn:documentation>'
           '<bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>')
    from lxml import etree

    root = etree.fromstring(rename_process(xml, "neu_prozess", "Neu", kind="case_process").encode("utf-8"))
    process = root.find(f"{BPMN}process")
    assert process.get("id") == "neu_prozess" and process.get("name") == "Neu"
    assert [etree.QName(c).localname for c in process][:2] == ["documentation", "extensionElements"]
    assert process_declaration(process).kind == "case_process"


def test_hostile_xml_is_refused():
    with pytest.raises(UnsafeXml):
        rename_process('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "k", "n")
