"""New processes and new forms: a first draft under a new key — blank, copied from a deployed process, or uploaded.

Nothing here deploys: the draft goes through the same editor, check and deploy gate as every other draft.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from engine.base import Actor, latest_definition, record_event
from engine.db import DefinitionDraft, FormDraft, FormVersion, ProcessDefinition
from engine.errors import InvalidInput
from engine.workflow import BPMN_NS, CAMUNDA_NS, rename_process

from .authorship import require_author
from .catalog import latest_definitions
from .drafts import SavedDraft, checked_xml
from .gate import check_definition

# A key is the process id in the file and a name in URLs and exports: short, lower case, no spaces.
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,49}$")
KEY_RULE = "3–50 Zeichen: Kleinbuchstaben, Ziffern und „_“, beginnend mit einem Buchstaben (z. B. „wohnungssuche“)"
SOURCES = ("blank", "template", "upload")
# Words the Prozesse pages use in their own addresses (/prozesse/neu, /prozesse/formulare/…).
RESERVED_KEYS = frozenset({"neu", "formulare", "versionen"})
MAX_NAME = 200


@dataclass(frozen=True)
class Template:
    """A deployed process a new one may start as a copy of."""

    key: str
    name: str
    version: int


def process_templates(session) -> list[Template]:
    """Deployed processes offered as a starting point (newest version of each key, journey included)."""
    return [Template(d.key, d.name, d.version) for d in latest_definitions(session)]


def _clean_key(key, what: str) -> str:
    key = (key or "").strip() if isinstance(key, str) else ""
    if not KEY_PATTERN.match(key):
        raise InvalidInput(f"Bitte geben Sie {what} an: {KEY_RULE}.", errors={"key": KEY_RULE + "."})
    if key in RESERVED_KEYS:
        raise InvalidInput(f"„{key}“ ist als Schlüssel nicht möglich. Bitte wählen Sie einen anderen.",
                           errors={"key": "Dieser Schlüssel ist reserviert."})
    return key


def _clean_name(name, what: str = "Namen") -> str:
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name:
        raise InvalidInput(f"Bitte geben Sie einen {what} an.", errors={"name": f"Bitte einen {what} angeben."})
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Das ist zu lang (höchstens {MAX_NAME} Zeichen).",
                           errors={"name": f"Höchstens {MAX_NAME} Zeichen."})
    return name


def blank_process_xml(key: str, name: str) -> str:
    """A minimal case process: start, one caseworker step without a form (to be filled in), end; with diagram."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
  xmlns:camunda="{CAMUNDA_NS}" id="Definitions_{key}" targetNamespace="http://integraflow.de/bpmn">
  <bpmn:process id="{key}" name={quoteattr(name)} isExecutable="true">
    <bpmn:extensionElements><camunda:properties>
      <camunda:property name="integraflow.kind" value="case_process" />
      <camunda:property name="integraflow.startable" value="true" />
    </camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="StartEvent_1" name="Begonnen"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:manualTask id="Activity_1" name="Ersten Schritt erledigen" camunda:candidateGroups="caseworker">
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:manualTask>
    <bpmn:endEvent id="EndEvent_1" name="Abgeschlossen"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_1" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_1" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1">
    <bpmndi:BPMNPlane id="Plane_1" bpmnElement="{key}">
      <bpmndi:BPMNShape id="Shape_Start" bpmnElement="StartEvent_1"><dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Shape_Task" bpmnElement="Activity_1"><dc:Bounds x="250" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Shape_End" bpmnElement="EndEvent_1"><dc:Bounds x="412" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Edge_1" bpmnElement="Flow_1"><di:waypoint x="188" y="120" /><di:waypoint x="250" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Edge_2" bpmnElement="Flow_2"><di:waypoint x="350" y="120" /><di:waypoint x="412" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def _source_xml(uow, key: str, name: str, source: str, template: str | None, upload) -> str:
    if source == "blank":
        return blank_process_xml(key, name)
    if source == "template":
        if not template:
            raise InvalidInput("Bitte wählen Sie eine Vorlage.", errors={"template": "Bitte eine Vorlage wählen."})
        found = latest_definition(uow.session, template, required=False)
        if found is None:
            raise InvalidInput("Diese Vorlage gibt es nicht.", errors={"template": "Unbekannte Vorlage."})
        # A copy of the journey is a further case process: there is one journey, and it stays.
        return rename_process(found.bpmn_xml, key, name, kind="case_process")
    if source == "upload":
        if not upload:
            raise InvalidInput("Bitte wählen Sie eine BPMN-Datei aus.", errors={"file": "Bitte eine Datei wählen."})
        xml = checked_xml(upload)
        return rename_process(xml, key, name)
    raise InvalidInput("Unbekannte Art, den Prozess anzulegen.", errors={"source": "Unbekannte Auswahl."})


def create_process(uow, key, name, source: str, actor: Actor, template: str | None = None,
                   upload=None) -> SavedDraft:
    """Open a new process key with a first draft (blank, copy of `template`, or the uploaded file)."""
    with uow:
        require_author(actor)
        key = _clean_key(key, "einen Schlüssel")
        name = _clean_name(name)
        taken = uow.session.execute(select(exists().where(ProcessDefinition.key == key))).scalar() \
            or uow.session.get(DefinitionDraft, key) is not None
        if taken:
            raise InvalidInput(f"Den Schlüssel „{key}“ gibt es schon. Bitte wählen Sie einen anderen.",
                               errors={"key": "Schlüssel schon vergeben."})
        xml = checked_xml(_source_xml(uow, key, name, source, template, upload))
        try:
            with uow.session.begin_nested():
                uow.session.add(DefinitionDraft(key=key, bpmn_xml=xml, based_on_definition_id=None,
                                                updated_by=actor.id, updated_at=uow.clock.now(), version=1))
        except IntegrityError:  # a colleague took the key in the same instant
            raise InvalidInput(f"Den Schlüssel „{key}“ gibt es schon. Bitte wählen Sie einen anderen.",
                               errors={"key": "Schlüssel schon vergeben."}) from None
        record_event(uow, "definition_created", actor.id, key=key, name=name, source=source, template=template)
        problems = check_definition(uow, key, xml)
        uow.commit()
        return SavedDraft(1, problems)


def blank_form_schema(form_id: str, title: str) -> dict:
    """A new form: its title and one text field to start from (form-js schema)."""
    return {"type": "default", "id": form_id, "schemaVersion": 16,
            "exporter": {"name": "Integraflow", "version": "1.0"}, "properties": {"title": title},
            "components": [{"id": "F_note", "type": "textarea", "key": "note", "label": "Notiz",
                            "validate": {"required": False, "maxLength": 4000}}]}


def create_form(uow, form_id, title, actor: Actor) -> int:
    """Open a new form with a first draft (deploy it before a process step may use it); returns the draft version."""
    with uow:
        require_author(actor)
        form_id = _clean_key(form_id, "eine Formular-id")
        title = _clean_name(title, "Titel")
        taken = uow.session.execute(select(exists().where(FormVersion.form_id == form_id))).scalar() \
            or uow.session.get(FormDraft, form_id) is not None
        if taken:
            raise InvalidInput(f"Das Formular „{form_id}“ gibt es schon. Bitte wählen Sie eine andere id.",
                               errors={"key": "id schon vergeben."})
        try:
            with uow.session.begin_nested():
                uow.session.add(FormDraft(form_id=form_id, schema=blank_form_schema(form_id, title),
                                          updated_by=actor.id, updated_at=uow.clock.now(), version=1))
        except IntegrityError:
            raise InvalidInput(f"Das Formular „{form_id}“ gibt es schon. Bitte wählen Sie eine andere id.",
                               errors={"key": "id schon vergeben."}) from None
        record_event(uow, "form_created", actor.id, form=form_id, title=title)
        uow.commit()
        return 1



__all__ = ["KEY_PATTERN", "SOURCES", "Template", "blank_form_schema", "blank_process_xml", "create_form",
           "create_process", "process_templates"]
