"""The editor widgets (BPMN modeler, form editor, version diff) in a real browser, under the app's CSP.

The pages come from a stand-in app (tests/editor_widget_app.py) that follows the widgets' markup contract and records
what they post, so these tests prove the browser side alone: loading the shipped BPMN and forms, editing, saving,
conflicts, checks with problems on the canvas, upload/download, the filtered properties panel, the form preview and
the diff markers. Every test also asserts that no Content-Security-Policy violation and no script error happened.
"""
from __future__ import annotations

import html
import json
import threading
from pathlib import Path

import pytest
from editor_widget_app import ADDED_TASK, CLIENT_JOURNEY, INTAKE_FORM, Backend, create_widget_app
from playwright.sync_api import expect
from werkzeug.serving import make_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser" / "editor-widgets"
# Playwright's init script runs before any page script and is not subject to the page's CSP.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', function (e) {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + e.sourceFile + ':'
    + e.lineNumber + ' ' + e.sample);
});"""
PROBLEMS = [
    {"severity": "warning", "element_id": "Gateway_Eligible", "message": "Verzweigung ohne Standardfluss."},
    {"severity": "error", "element_id": "Task_Intake", "message": "Benutzeraufgabe ohne Formular."},
    {"severity": "error", "element_id": "", "message": "Der Prozess hat keinen Namen."},
]


@pytest.fixture
def backend():
    """What the stand-in endpoints answer; records the posts."""
    return Backend()


@pytest.fixture
def widget_server(backend):
    """The stand-in app on a free local port."""
    server = make_server("127.0.0.1", 0, create_widget_app(backend), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="editor-widget-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def errors():
    """Script errors, console errors and CSP violations seen by the page."""
    return []


@pytest.fixture
def page(chromium, widget_server, errors):
    """A German browser page on the stand-in app, listening for CSP violations and script errors."""
    context = chromium.new_context(locale="de-DE", timezone_id="Europe/Berlin", base_url=widget_server,
                                   viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"console: {msg.text}"))
    yield page
    context.close()


def shot(page, name: str) -> None:
    """A screenshot for humans reading along (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_clean(page, errors, expected_status: str | None = None) -> None:
    """No CSP violation and no script/console error on the page (but the browser's note of an expected 4xx)."""
    violations = page.evaluate("window.__cspViolations || []")
    assert violations == []
    note = f"console: Failed to load resource: the server responded with a status of {expected_status}"
    assert [error for error in errors if not (expected_status and error == note)] == []


def open_modeler(page, readonly: bool = False) -> None:
    page.goto("/modeler?readonly=1" if readonly else "/modeler")
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-modeler-state", "ready")


def select(page, element_id: str) -> None:
    """Click a shape like a user; connections (thin paths) are selected through the modeler's selection."""
    if element_id.startswith("Flow_"):
        page.evaluate("id => { const m = window.iflBpmnModeler; m.get('selection').select("
                      "m.get('elementRegistry').get(id)); }", element_id)
    else:
        page.locator(f"#bpmn-modeler .djs-shape[data-element-id='{element_id}'] .djs-hit").first.click()


def rename_intake(page, name: str) -> None:
    select(page, "Task_Intake")
    field = page.locator("#bio-properties-panel-name")
    field.fill(name)
    field.press("Tab")
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-dirty", "1")


def current_xml(page) -> str:
    return page.evaluate("window.iflBpmnModeler.saveXML().then(r => r.xml)")


# ---- BPMN modeler ------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_modeler_loads_the_shipped_client_journey_with_only_the_properties_the_engine_reads(page, errors):
    open_modeler(page)
    expect(page.locator("#bpmn-modeler .djs-element[data-element-id='Task_Review']")).to_have_count(1)
    select(page, "Task_Intake")

    panel = page.locator("#bpmn-properties")
    expect(panel.locator(".bio-properties-panel-header-label")).to_have_text("Erstaufnahme")
    expect(panel.locator("#bio-properties-panel-iflFormKey")).to_have_value("intake")
    expect(panel.locator("#bio-properties-panel-iflRole")).to_have_value("caseworker")
    expect(panel.locator("#bio-properties-panel-iflStep")).to_have_value("intake")
    choice = panel.locator("#bio-properties-panel-iflFormKeyChoice")
    expect(choice).to_have_value("intake")
    expect(choice.locator("option")).to_contain_text(["– kein Formular –", "assessment", "intake"])
    groups = panel.locator("[data-group-id]")
    # Allgemein, Formular, Bedeutung für Integraflow, Zuständigkeit und Frist, Dokumentation.
    expect(groups).to_have_count(5)
    for hidden in ("AsynchronousContinuations", "ExecutionListener", "TaskListener", "Input", "Output",
                   "ExtensionProperties"):
        expect(panel.locator(f"[data-group-id='group-CamundaPlatform__{hidden}']")).to_have_count(0)
    expect(panel).not_to_contain_text("Asynchronous continuations")
    expect(panel).not_to_contain_text("Assignee")

    select(page, "Timer_ReviewDue")
    expect(panel.locator("[data-group-id='group-timer']")).to_contain_text("Zeitgeber")
    expect(panel.locator("[data-group-id='group-CamundaPlatform__JobExecution']")).to_have_count(0)
    select(page, "Flow_Eligible_Yes")
    expect(panel.locator("[data-group-id='group-iflCondition']")).to_be_visible()
    expect(panel.locator("#bio-properties-panel-iflConditionMode")).to_have_value("builder")
    expect(panel.locator("#bio-properties-panel-iflConditionField")).to_have_value("eligible")
    page.evaluate("() => { const m = window.iflBpmnModeler; m.get('selection').select("
                  "m.get('elementRegistry').get('Lane_Supervisor')); }")
    expect(panel.locator("#bio-properties-panel-name")).to_have_value("Teamleitung")
    expect(panel).to_contain_text("Der Name der Spur bestimmt die Rolle")
    shot(page, "modeler")
    assert_clean(page, errors)


@pytest.mark.browser
def test_due_date_and_condition_builders_read_and_write_expressions(page, errors):
    open_modeler(page)
    panel = page.locator("#bpmn-properties")
    # The journey's own due date is no builder expression: it stays in expert mode, shown as written.
    select(page, "Task_Assessment")
    expect(panel.locator("#bio-properties-panel-iflDueMode")).to_have_value("expert")
    expect(panel.locator("#bio-properties-panel-iflDueExpression")).to_have_value(
        "add_duration(intake_date, deadlines['assessment'])")
    panel.locator("#bio-properties-panel-iflDueMode").select_option("builder")
    panel.locator("#bio-properties-panel-iflDueUnit").select_option("W")
    panel.locator("#bio-properties-panel-iflDueRef").select_option("intake_date")
    assert "add_duration(intake_date, 'P14W')" in html.unescape(current_xml(page))
    panel.locator("#bio-properties-panel-iflDueMode").select_option("none")
    assert 'id="Task_Assessment"' in html.unescape(current_xml(page)) and "P14W" not in html.unescape(current_xml(page))

    # A written comparison is read back into the builder; the value list comes from the form's options.
    select(page, "Flow_Consent_Yes")
    expect(panel.locator("#bio-properties-panel-iflConditionField")).to_have_value("consent_given")
    expect(panel.locator("#bio-properties-panel-iflConditionOperator")).to_have_value("==")
    expect(panel.locator("#bio-properties-panel-iflConditionChoice")).to_have_value("yes")
    panel.locator("#bio-properties-panel-iflConditionOperator").select_option("!=")
    assert "consent_given != 'yes'" in html.unescape(current_xml(page))
    panel.locator("#bio-properties-panel-iflConditionOperator").select_option("empty")
    assert "not consent_given" in html.unescape(current_xml(page))
    panel.locator("#bio-properties-panel-iflConditionMode").select_option("expert")
    expression = panel.locator("#bio-properties-panel-iflConditionExpression")
    expect(expression).to_have_value("not consent_given")
    expression.fill("consent_given == 'yes' and eligible")
    expression.press("Tab")
    page.wait_for_function("() => window.iflBpmnModeler.saveXML().then(r => r.xml.includes('and eligible'))")
    # Undo returns to the builder's last expression, and the panel with it.
    page.keyboard.press("Control+z")
    assert "not consent_given" in html.unescape(current_xml(page))
    assert_clean(page, errors)


@pytest.mark.browser
def test_choosing_a_known_form_sets_the_form_key(page, errors):
    open_modeler(page)
    select(page, "Task_Intake")
    page.locator("#bio-properties-panel-iflFormKeyChoice").select_option("assessment")
    expect(page.locator("#bio-properties-panel-iflFormKey")).to_have_value("assessment")
    assert 'id="Task_Intake" name="Erstaufnahme" camunda:formKey="assessment"' in current_xml(page)
    assert_clean(page, errors)


@pytest.mark.browser
def test_renamed_task_is_saved_as_draft_with_csrf_token_and_version(page, errors, backend):
    open_modeler(page)
    rename_intake(page, "Erstgespräch")
    expect(page.locator(".editor-dirty")).to_have_text("Ungespeicherte Änderungen")

    page.locator("#bpmn-save").click()
    expect(page.locator("#modeler-status")).to_have_text("Entwurf gespeichert.")
    kind, posted = backend.posts[-1]
    assert kind == "bpmn-save"
    assert posted["csrf"] == "test-csrf-token"
    assert posted["draft_version"] == 2
    assert 'name="Erstgespräch"' in posted["xml"]
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-draft-version", "4")
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-dirty", "0")
    expect(page.locator(".editor-dirty")).to_be_hidden()
    assert_clean(page, errors)


@pytest.mark.browser
def test_check_lists_problems_and_marks_them_on_the_canvas(page, errors, backend):
    backend.problems = PROBLEMS
    open_modeler(page)
    page.locator("#bpmn-check").click()

    items = page.locator("#lint-problems li")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Fehler")
    expect(items.nth(2)).to_contain_text("Warnung")
    expect(items.nth(2)).to_contain_text("Förderfähig? (Gateway_Eligible)")
    expect(page.locator("#lint-problems")).to_contain_text("Gesamte Definition")
    canvas = page.locator("#bpmn-modeler")
    expect(canvas.locator(".djs-element.lint-error[data-element-id='Task_Intake']")).to_have_count(1)
    expect(canvas.locator(".djs-element.lint-warning[data-element-id='Gateway_Eligible']")).to_have_count(1)
    expect(canvas.locator(".lint-badge")).to_have_count(2)
    kind, posted = backend.posts[-1]
    assert kind == "bpmn-check" and "<bpmn:definitions" in posted["xml"]

    items.nth(2).locator("button").click()  # the element's name selects it
    expect(page.locator("#bpmn-properties .bio-properties-panel-header-label")).to_have_text("Förderfähig?")
    shot(page, "modeler-problems")

    backend.problems = []
    page.locator("#bpmn-check").click()
    expect(items).to_have_count(1)
    expect(items.first).to_have_text("Keine Probleme gefunden.")
    expect(canvas.locator(".lint-error, .lint-warning, .lint-badge")).to_have_count(0)
    assert_clean(page, errors)


@pytest.mark.browser
def test_conflicting_save_keeps_the_edit_and_deploy_waits_for_a_save(page, errors, backend):
    backend.save_status = 409
    open_modeler(page)
    rename_intake(page, "Erstgespräch")
    page.locator("#bpmn-save").click()

    expect(page.locator("#modeler-status")).to_contain_text("Jemand anderes hat den Entwurf inzwischen gespeichert")
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-dirty", "1")
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-draft-version", "2")
    assert 'name="Erstgespräch"' in current_xml(page)

    page.locator("#deploy-form button[type=submit]").click()
    expect(page.locator("#modeler-status")).to_have_text("Bitte zuerst den Entwurf speichern.")
    assert [kind for kind, _ in backend.posts] == ["bpmn-save"]
    assert page.url.endswith("/modeler")
    assert_clean(page, errors, expected_status="409 (CONFLICT)")


@pytest.mark.browser
def test_upload_replaces_the_diagram_or_keeps_it_on_a_bad_file(page, errors):
    open_modeler(page)
    rename_intake(page, "Erstgespräch")
    upload = page.locator("#bpmn-upload")

    upload.set_input_files(files=[{"name": "kaputt.bpmn", "mimeType": "application/xml",
                                   "buffer": b"<html><body>kein BPMN</body></html>"}])
    expect(page.locator("#modeler-status")).to_have_text(
        "Die Datei ist kein gültiges BPMN-Diagramm; das bisherige Diagramm bleibt erhalten.")
    assert 'name="Erstgespräch"' in current_xml(page)  # the previous diagram, with its unsaved edit

    other = CLIENT_JOURNEY.read_text(encoding="utf-8").replace('name="Abschluss"', 'name="Fallabschluss"')
    upload.set_input_files(files=[{"name": "neu.bpmn", "mimeType": "application/xml",
                                   "buffer": other.encode("utf-8")}])
    expect(page.locator("#modeler-status")).to_contain_text("„neu.bpmn“: Datei geladen – noch nicht gespeichert.")
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-dirty", "1")
    xml = current_xml(page)
    assert 'name="Fallabschluss"' in xml and 'name="Erstgespräch"' not in xml
    assert_clean(page, errors)


@pytest.mark.browser
def test_download_offers_the_current_diagram_under_its_file_name(page, errors):
    open_modeler(page)
    rename_intake(page, "Erstgespräch")
    with page.expect_download() as info:
        page.locator("#bpmn-download").click()
    download = info.value
    assert download.suggested_filename == "client_journey.bpmn"
    assert 'name="Erstgespräch"' in Path(download.path()).read_text(encoding="utf-8")
    assert_clean(page, errors)


@pytest.mark.browser
def test_readonly_modeler_only_shows_and_downloads(page, errors):
    open_modeler(page, readonly=True)
    expect(page.locator("#bpmn-modeler .djs-element[data-element-id='Task_Intake']")).to_have_count(1)
    expect(page.locator(".djs-palette")).to_have_count(0)
    for control in ("#bpmn-save", "#bpmn-check", "#bpmn-upload", "#bpmn-properties"):
        expect(page.locator(control)).to_be_hidden()
    expect(page.locator("#bpmn-download")).to_be_visible()
    expect(page.locator("#modeler-status")).to_contain_text("Nur Ansicht")
    shot(page, "modeler-readonly")
    assert_clean(page, errors)


# ---- form editor -------------------------------------------------------------------------------------------------

def open_form_editor(page) -> None:
    page.goto("/form-editor")
    expect(page.locator("#form-editor")).to_have_attribute("data-editor-state", "ready")


@pytest.mark.browser
def test_form_editor_loads_the_intake_form_and_previews_it(page, errors):
    open_form_editor(page)
    editor = page.locator("#form-editor")
    expect(editor.locator(".fjs-editor-container [data-id='Field_first_name']")).to_have_count(1)
    editor.locator(".fjs-editor-container [data-id='Field_first_name']").first.click()
    general = page.locator(".fjs-properties-container [data-group-id='group-general']")
    general.locator(".bio-properties-panel-group-header").click()  # opens the FEEL/templating editors (CodeMirror)
    expect(general.locator(".cm-editor").first).to_be_visible()

    page.locator("#form-preview-button").click()
    preview = page.locator("#form-preview")
    expect(preview).to_have_attribute("data-preview-state", "ready")
    first_name = preview.get_by_label("Vorname")
    expect(first_name).to_be_editable()  # fillable, never posted
    first_name.fill("Amina")
    expect(preview).to_contain_text("Aufenthaltsstatus")
    expect(page.locator("#form-status")).to_have_text("Vorschau aktualisiert (Eingaben werden nicht gespeichert).")
    shot(page, "form-editor")
    assert_clean(page, errors)


@pytest.mark.browser
def test_form_editor_saves_the_edited_schema(page, errors, backend):
    backend.problems = [{"severity": "error", "element_id": "last_name",
                         "message": "Das Feld wird in einer Bedingung benutzt und darf nicht fehlen."}]
    open_form_editor(page)
    page.evaluate("""() => {
      const editor = window.iflFormEditor;
      const field = editor.get('formFieldRegistry').get('Field_first_name');
      editor.get('modeling').editFormField(field, 'label', 'Vorname (laut Ausweis)');
    }""")
    expect(page.locator("#form-editor")).to_have_attribute("data-dirty", "1")
    page.locator("#form-save").click()

    expect(page.locator("#form-status")).to_have_text("Entwurf gespeichert.")
    kind, posted = backend.posts[-1]
    assert kind == "form-save" and posted["csrf"] == "test-csrf-token" and posted["draft_version"] is None
    schema = posted["schema"]
    assert schema["id"] == json.loads(INTAKE_FORM.read_text(encoding="utf-8"))["id"]
    assert "Vorname (laut Ausweis)" in json.dumps(schema, ensure_ascii=False)
    expect(page.locator("#form-editor")).to_have_attribute("data-draft-version", "4")
    expect(page.locator("#form-editor")).to_have_attribute("data-dirty", "0")
    problem = page.locator("#form-problems li")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("Nachname (last_name)")
    problem.locator("button").click()  # selects the field in the editor
    expect(page.locator(".fjs-properties-container .bio-properties-panel-header-label")).to_have_text("Nachname")
    assert_clean(page, errors)


@pytest.mark.browser
def test_form_upload_rejects_a_non_form_and_keeps_the_schema(page, errors):
    open_form_editor(page)
    page.locator("#form-upload").set_input_files(files=[{"name": "liste.json", "mimeType": "application/json",
                                                         "buffer": b"[1, 2, 3]"}])
    expect(page.locator("#form-status")).to_have_text(
        "Die Datei ist kein gültiges Formular (JSON); das bisherige Formular bleibt erhalten.")
    expect(page.locator("#form-editor [data-id='Field_first_name']")).to_have_count(1)
    expect(page.locator("#form-editor")).to_have_attribute("data-dirty", "0")
    with page.expect_download() as info:
        page.locator("#form-download").click()
    assert info.value.suggested_filename == "intake.json"
    assert json.loads(Path(info.value.path()).read_text(encoding="utf-8"))["id"] == "intake"
    assert_clean(page, errors)


# ---- version diff ------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_diff_marks_the_added_task_and_keeps_both_viewports_in_step(page, errors):
    page.goto("/diff")
    expect(page.locator("#bpmn-diff")).to_have_attribute("data-diff-state", "ready")
    old, new = page.locator("#bpmn-diff-old"), page.locator("#bpmn-diff-new")
    expect(new.locator(f".djs-element.diff-added[data-element-id='{ADDED_TASK}']")).to_have_count(1)
    expect(old.locator(f"[data-element-id='{ADDED_TASK}']")).to_have_count(0)
    expect(old.locator(".djs-element.diff-changed[data-element-id='Task_Intake']")).to_have_count(1)
    expect(new.locator(".djs-element.diff-changed[data-element-id='Task_Intake']")).to_have_count(1)
    shot(page, "diff")

    viewbox = "which => { const c = window.iflBpmnDiff[which].get('canvas').viewbox();" \
              " return [c.x, c.y, c.width, c.height].map(Math.round); }"
    page.evaluate("() => window.iflBpmnDiff.newViewer.get('canvas').zoom(1.5)")
    assert page.evaluate(viewbox, "oldViewer") == page.evaluate(viewbox, "newViewer")

    page.locator(f"#bpmn-diff-list li[data-element-id='{ADDED_TASK}']").click()
    centre = page.evaluate("""id => {
      const c = window.iflBpmnDiff.newViewer.get('canvas').viewbox();
      const e = window.iflBpmnDiff.newViewer.get('elementRegistry').get(id);
      return [c.x + c.width / 2 - (e.x + e.width / 2), c.y + c.height / 2 - (e.y + e.height / 2)].map(Math.round);
    }""", ADDED_TASK)
    assert centre == [0, 0]
    assert page.evaluate(viewbox, "oldViewer") == page.evaluate(viewbox, "newViewer")
    expect(page.locator(f"#bpmn-diff-list li[data-element-id='{ADDED_TASK}']")).to_have_class("is-focused")
    assert_clean(page, errors)


@pytest.mark.browser
def test_readonly_form_shows_the_form_without_editor(page, errors):
    page.goto("/form-editor?readonly=1")
    expect(page.locator("#form-editor")).to_have_attribute("data-editor-state", "ready")
    expect(page.locator("#form-editor .fjs-editor-container")).to_have_count(0)
    expect(page.locator("#form-editor").get_by_label("Vorname")).not_to_be_editable()  # readonly
    for control in ("#form-save", "#form-upload"):
        expect(page.locator(control)).to_be_hidden()
    expect(page.locator("#form-status")).to_contain_text("Nur Ansicht")
    page.locator("#form-preview-button").click()
    expect(page.locator("#form-preview")).to_have_attribute("data-preview-state", "ready")
    assert_clean(page, errors)


@pytest.mark.browser
def test_leaving_the_modeler_with_unsaved_changes_asks_first(page, errors):
    open_modeler(page)
    rename_intake(page, "Erstgespräch")
    with page.expect_event("dialog") as info:
        page.close(run_before_unload=True)
    assert info.value.type == "beforeunload"
    info.value.dismiss()  # stay on the page: the edit is still there
    assert 'name="Erstgespräch"' in current_xml(page)
    assert errors == []


@pytest.mark.browser
def test_modeler_editing_tools_work_under_the_csp(page, errors):
    open_modeler(page)
    hit = page.locator("#bpmn-modeler .djs-shape[data-element-id='Task_Consent'] .djs-hit").first
    hit.dblclick()  # label editing on the canvas
    label_box = page.locator(".djs-direct-editing-parent")
    expect(label_box).to_be_visible()
    page.keyboard.press("Control+A")
    page.keyboard.type("Einwilligung dokumentieren")
    page.locator("#bpmn-modeler .djs-shape[data-element-id='Task_Assessment'] .djs-hit").first.click()
    assert 'name="Einwilligung dokumentieren"' in current_xml(page)

    hit.click()
    page.locator(".djs-context-pad [data-action='replace']").click()  # "Elementtyp ändern" popup
    expect(page.locator(".djs-popup")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(".djs-popup")).to_have_count(0)
    expect(page.locator("#bpmn-modeler")).to_have_attribute("data-dirty", "1")
    assert_clean(page, errors)


@pytest.mark.browser
def test_form_editor_adds_a_field_from_the_palette_under_the_csp(page, errors):
    open_form_editor(page)
    fields = page.locator("#form-editor .fjs-editor-container .fjs-element[data-id]")
    before = fields.count()
    source = page.locator(".fjs-palette-field[data-field-type='textfield']")
    target = page.locator("#form-editor .fjs-editor-container [data-id='Field_last_name']").first
    source.hover()
    page.mouse.down()
    page.mouse.move(200, 400, steps=5)
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 5, steps=15)
    page.mouse.up()
    expect(fields).to_have_count(before + 1)
    expect(page.locator("#form-editor")).to_have_attribute("data-dirty", "1")
    assert_clean(page, errors)
