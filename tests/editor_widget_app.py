"""A stand-in for the authoring pages: web/static plus three pages that follow the editor widgets' markup contract.

The real pages (definitions blueprint) render the same elements; this app lets the browser tests drive the widgets
(bpmn_modeler.js, form_editor.js, bpmn_diff.js) without the engine, and records what they post. It sends the app's
Content-Security-Policy on every response, so a widget that needs an inline script or style fails here too.
Run it by hand for screenshots: `PYTHONPATH=. python3 tests/editor_widget_app.py 5110`.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, Response, jsonify, request

from engine.forms import FormRegistry
from web.definitions.creation import panel_fields, panel_vocabulary
from web.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "web" / "static"
CLIENT_JOURNEY = ROOT / "bpmn" / "client_journey.bpmn"
INTAKE_FORM = ROOT / "bpmn" / "forms" / "intake.json"
FORM_NAMES = sorted(p.stem for p in (ROOT / "bpmn" / "forms").glob("*.json"))
ADDED_TASK = "Task_Added"

HEAD = """<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>
<meta name="csrf-token" content="test-csrf-token">
<link rel="icon" href="/static/favicon.svg">
<link rel="stylesheet" href="/static/css/app.css">
{css}
<link rel="stylesheet" href="/static/css/editor.css">
</head><body><main class="editor-page"><h1>{title}</h1>"""
TAIL = "{scripts}</main></body></html>"

BPMN_CSS = ["vendor/bpmn-js/diagram-js.css", "vendor/bpmn-js/bpmn-js.css", "vendor/bpmn-js/bpmn-font/css/bpmn.css"]
MODELER_CSS = BPMN_CSS + ["vendor/bpmn-modeler-bundle/properties-panel.css"]
MODELER_JS = ["vendor/bpmn-modeler-bundle/integraflow-modeler.js", "js/editor_kit.js", "js/bpmn_i18n_de.js",
              "js/bpmn_builders.js", "js/bpmn_properties.js", "js/bpmn_modeler.js"]
FORM_CSS = ["vendor/form-js/form-js.css", "vendor/form-js/form-js-editor.css", "vendor/form-js/flatpickr/light.css",
            "vendor/form-js/draggle.css", "vendor/bpmn-modeler-bundle/properties-panel.css"]
FORM_JS = ["vendor/form-js/integraflow-form-js.js", "js/editor_kit.js", "js/form_editor.js"]
DIFF_CSS = BPMN_CSS
DIFF_JS = ["vendor/bpmn-js/bpmn-navigated-viewer.production.min.js", "js/bpmn_diff.js"]


@dataclass
class Backend:
    """What the stand-in endpoints answer and what they received."""

    save_status: int = 200
    draft_version: int = 3
    problems: list[dict] = field(default_factory=list)
    posts: list[tuple[str, dict]] = field(default_factory=list)


def _page(title: str, css: list[str], body: str, scripts: list[str]) -> str:
    links = "\n".join(f'<link rel="stylesheet" href="/static/{c}">' for c in css)
    tags = "".join(f'<script src="/static/{s}"></script>' for s in scripts)
    return HEAD.format(title=title, css=links) + body + TAIL.format(scripts=tags)


def modeler_body(readonly: bool) -> str:
    """The modeler markup of the contract."""
    forms = json.dumps(FORM_NAMES).replace('"', "&quot;")
    vocabulary = json.dumps(panel_vocabulary()).replace('"', "&quot;")
    fields = json.dumps(panel_fields(FormRegistry(ROOT / "bpmn" / "forms"))).replace('"', "&quot;")
    return f"""
<div class="editor-toolbar">
  <button type="button" id="bpmn-check" class="secondary">Prüfen</button>
  <button type="button" id="bpmn-save" class="primary">Entwurf speichern</button>
  <button type="button" id="bpmn-download" class="secondary">Herunterladen</button>
  <label class="editor-upload">BPMN-Datei hochladen <input type="file" id="bpmn-upload" accept=".bpmn,.xml"></label>
</div>
<p id="modeler-status" role="status" aria-live="polite"></p>
<div class="editor-layout">
  <div id="bpmn-modeler" data-xml-url="/api/bpmn.xml" data-save-url="/api/bpmn/save" data-check-url="/api/bpmn/check"
       data-draft-version="2" data-forms="{forms}" data-filename="client_journey.bpmn"
       data-vocabulary="{vocabulary}" data-fields="{fields}"
       data-readonly="{1 if readonly else 0}"></div>
  <div id="bpmn-properties"></div>
</div>
<section class="card"><h2>Prüfergebnis</h2><ul id="lint-problems"></ul></section>
<form id="deploy-form" method="post" action="/api/deploy">
  <button type="submit" class="primary">Bereitstellen</button>
</form>"""


FORM_BODY = """
<div class="editor-toolbar">
  <button type="button" id="form-save" class="primary">Entwurf speichern</button>
  <button type="button" id="form-preview-button" class="secondary">Vorschau</button>
  <button type="button" id="form-download" class="secondary">Herunterladen</button>
  <label class="editor-upload">Formular hochladen <input type="file" id="form-upload" accept=".json,.form"></label>
</div>
<p id="form-status" role="status" aria-live="polite"></p>
<div id="form-editor" data-schema-url="/api/form.json" data-save-url="/api/form/save" data-draft-version=""
     data-readonly="0"></div>
<ul id="form-problems"></ul>
<section class="card"><h2>Vorschau</h2><div id="form-preview"></div></section>"""

DIFF_BODY = """
<div id="bpmn-diff" data-old-url="/api/diff/old.xml" data-new-url="/api/diff/new.xml"
     data-changes="{changes}">
  <div id="bpmn-diff-old"></div><div id="bpmn-diff-new"></div>
</div>
<ul id="bpmn-diff-list">
  <li data-element-id="Task_Added"><span class="diff-kind diff-kind-added">Hinzugefügt</span> Neuer Schritt</li>
  <li data-element-id="Task_Intake"><span class="diff-kind diff-kind-changed">Geändert</span> Erstgespräch</li>
</ul>"""


def diff_versions() -> tuple[str, str]:
    """Two versions of the client journey: the new one has an extra task (with its shape) and a renamed intake."""
    old = CLIENT_JOURNEY.read_text(encoding="utf-8")
    new = old.replace("</bpmn:process>",
                      f'<bpmn:task id="{ADDED_TASK}" name="Neuer Schritt" /></bpmn:process>', 1)
    new = new.replace("</bpmndi:BPMNPlane>",
                      f'<bpmndi:BPMNShape id="{ADDED_TASK}_di" bpmnElement="{ADDED_TASK}">'
                      '<dc:Bounds x="400" y="560" width="100" height="80" /></bpmndi:BPMNShape>'
                      "</bpmndi:BPMNPlane>", 1)
    return old, new


def create_widget_app(backend: Backend | None = None) -> Flask:
    """The stand-in app; `app.config["BACKEND"]` holds the Backend it answers from and records into."""
    backend = backend or Backend()
    app = Flask(__name__, static_folder=str(STATIC), static_url_path="/static")
    app.config["BACKEND"] = backend
    old_xml, new_xml = diff_versions()

    @app.after_request
    def _csp(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response

    @app.get("/modeler")
    def modeler():
        readonly = request.args.get("readonly") == "1"
        return _page("Prozess bearbeiten", MODELER_CSS, modeler_body(readonly), MODELER_JS)

    @app.get("/form-editor")
    def form_editor():
        body = FORM_BODY.replace('data-readonly="0"', f'data-readonly="{request.args.get("readonly", "0")}"')
        return _page("Formular bearbeiten", FORM_CSS, body, FORM_JS)

    @app.get("/diff")
    def diff():
        changes = json.dumps({"added": [ADDED_TASK], "removed": [], "changed": ["Task_Intake"]})
        return _page("Versionen vergleichen", DIFF_CSS, DIFF_BODY.format(changes=changes.replace('"', "&quot;")),
                     DIFF_JS)

    @app.get("/api/bpmn.xml")
    def bpmn_xml():
        return Response(CLIENT_JOURNEY.read_text(encoding="utf-8"), mimetype="application/xml")

    @app.get("/api/form.json")
    def form_json():
        return Response(INTAKE_FORM.read_text(encoding="utf-8"), mimetype="application/json")

    @app.get("/api/diff/<which>.xml")
    def diff_xml(which):
        return Response(old_xml if which == "old" else new_xml, mimetype="application/xml")

    def _save(kind):
        backend.posts.append((kind, {"csrf": request.headers.get("X-CSRFToken"), **request.get_json()}))
        if backend.save_status == 409:
            return jsonify(ok=False, message="Jemand anderes hat den Entwurf inzwischen gespeichert. Bitte neu laden "
                                             "und die Änderungen erneut vornehmen.", problems=[]), 409
        if backend.save_status >= 400:
            return jsonify(ok=False, message="Der Entwurf enthält Fehler.", problems=backend.problems), \
                backend.save_status
        backend.draft_version += 1
        return jsonify(ok=True, draft_version=backend.draft_version, message="Entwurf gespeichert.",
                       problems=backend.problems)

    @app.post("/api/bpmn/save")
    def bpmn_save():
        return _save("bpmn-save")

    @app.post("/api/form/save")
    def form_save():
        return _save("form-save")

    @app.post("/api/bpmn/check")
    def bpmn_check():
        backend.posts.append(("bpmn-check", request.get_json()))
        return jsonify(problems=backend.problems)

    @app.post("/api/deploy")
    def deploy():
        backend.posts.append(("deploy", {}))
        return "Bereitgestellt."

    return app


if __name__ == "__main__":
    demo = Backend(problems=[
        {"severity": "error", "element_id": "Task_Intake", "message": "Benutzeraufgabe ohne Formular."},
        {"severity": "warning", "element_id": "Gateway_Eligible", "message": "Verzweigung ohne Standardfluss."},
    ])
    create_widget_app(demo).run(port=int(sys.argv[1]) if len(sys.argv) > 1 else 5110)
