/*
 * Integraflow – form editor page: bpmn.io form-js editor, preview with the form-js viewer, draft save, upload and
 * download. No inline script (strict CSP).
 *
 * Needs, in this order (all our own static files):
 *   CSS: vendor/form-js/form-js.css, vendor/form-js/form-js-editor.css, vendor/form-js/flatpickr/light.css,
 *        vendor/form-js/draggle.css, vendor/bpmn-modeler-bundle/properties-panel.css, css/editor.css
 *   JS:  vendor/form-js/integraflow-form-js.js (global IntegraflowFormJs), js/editor_kit.js, js/form_editor.js
 *
 * Markup contract:
 *   <div id="form-editor" data-schema-url data-save-url data-draft-version data-readonly="0|1"></div>
 *   #form-save, #form-preview-button, #form-download (buttons), #form-upload (file input), #form-preview,
 *   #form-status (role=status), #form-problems (ul)
 *
 * The container gets data-editor-state="loading|ready|error" and data-dirty="0|1".
 */
(function () {
  'use strict';

  var lib = window.IntegraflowFormJs;
  var editorKit = window.iflEditorKit;
  var container = document.getElementById('form-editor');
  if (!container) {
    return;
  }

  var TEXT = {
    loadFailed: 'Das Formular konnte nicht geladen werden.',
    readonly: 'Nur Ansicht: diese Version kann nicht bearbeitet werden.',
    dirty: 'Ungespeicherte Änderungen',
    previewFailed: 'Die Vorschau konnte nicht angezeigt werden.',
    previewShown: 'Vorschau aktualisiert (Eingaben werden nicht gespeichert).',
    uploadTooBig: 'Die Datei ist zu groß (höchstens 2 MB).',
    uploadNotJson: 'Die Datei ist kein gültiges Formular (JSON); das bisherige Formular bleibt erhalten.',
    uploadRead: 'Die Datei konnte nicht gelesen werden.',
    uploaded: 'Datei geladen – noch nicht gespeichert.'
  };
  var MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

  var status = document.getElementById('form-status');
  var problemList = document.getElementById('form-problems');
  var previewContainer = document.getElementById('form-preview');
  var readonly = container.getAttribute('data-readonly') === '1';
  var editor = null;
  var preview = null;
  var dirty = editorKit ? editorKit.dirtyTracker(container, document.getElementById('form-save'), TEXT.dirty) : null;

  function say(message, kind) {
    editorKit.say(status, message, kind);
  }

  function currentSchema() {
    return editor.saveSchema();
  }

  // ---- problems ---------------------------------------------------------------------------------------------------

  function findField(idOrKey) {
    var fields = editor.get('formFieldRegistry').getAll();
    for (var i = 0; i < fields.length; i += 1) {
      if (fields[i].id === idOrKey) {
        return fields[i];
      }
    }
    for (var j = 0; j < fields.length; j += 1) {
      if (fields[j].key === idOrKey) {
        return fields[j];
      }
    }
    return null;
  }

  function fieldLabel(idOrKey) {
    var field = !readonly && findField(idOrKey);
    var name = field && (field.label || field.dateLabel || field.text);
    return name ? name + ' (' + idOrKey + ')' : idOrKey;
  }

  function focusField(idOrKey) {
    var field = !readonly && findField(idOrKey);
    if (!field) {
      return;
    }
    editor.get('selection').set(field);
    var node = container.querySelector('[data-id="' + field.id.replace(/"/g, '') + '"]');
    if (node && node.scrollIntoView) {
      node.scrollIntoView({ block: 'center' });
    }
  }

  function showProblems(problems) {
    editorKit.renderProblems(problemList, problems || [], fieldLabel, focusField);
  }

  // ---- preview ----------------------------------------------------------------------------------------------------

  function showPreview() {
    if (!previewContainer) {
      return Promise.resolve();
    }
    var schema = readonly ? container.iflSchema : currentSchema();
    if (!preview) {
      preview = new lib.Form({ container: previewContainer });
      // A preview never goes to the server: form-js validates on submit and we stop there.
      preview.on('submit', function () { say(TEXT.previewShown, 'info'); });
    }
    return preview.importSchema(schema, {})
      .then(function () {
        previewContainer.setAttribute('data-preview-state', 'ready');
        if (!readonly) {
          say(TEXT.previewShown, 'info');
        }
      })
      .catch(function () { say(TEXT.previewFailed, 'error'); });
  }

  // ---- save, upload, download ---------------------------------------------------------------------------------------

  function save() {
    return editorKit.saveDraft(container, document.getElementById('form-save'), dirty,
      { schema: currentSchema() }, say, showProblems);
  }

  function importUpload(text, fileName) {
    var schema;
    try {
      schema = JSON.parse(text);
    } catch (e) {
      schema = null;
    }
    if (!schema || typeof schema !== 'object' || Array.isArray(schema) || !Array.isArray(schema.components)) {
      say(TEXT.uploadNotJson, 'error');
      return Promise.resolve();
    }
    var previous = currentSchema();
    return editor.importSchema(schema)
      .then(function () {
        dirty.mark();
        showProblems([]);
        say('„' + fileName + '“: ' + TEXT.uploaded, 'info');
      })
      .catch(function () {
        return editor.importSchema(previous).then(function () {
          say(TEXT.uploadNotJson, 'error');
        }, function () {
          say(TEXT.uploadNotJson, 'error');
        });
      });
  }

  function download() {
    var schema = readonly ? container.iflSchema : currentSchema();
    var name = (schema && schema.id ? String(schema.id).replace(/[^A-Za-z0-9_.-]/g, '_') : 'formular') + '.json';
    editorKit.downloadText(JSON.stringify(schema, null, 2) + '\n', name, 'application/json');
  }

  // ---- wiring -----------------------------------------------------------------------------------------------------

  function wire() {
    editorKit.onClick('form-download', download);
    editorKit.onClick('form-preview-button', showPreview);
    if (readonly) {
      ['form-save', 'form-upload'].forEach(editorKit.disable);
      say(TEXT.readonly, 'info');
      return;
    }
    editorKit.onClick('form-save', save);
    editorKit.onUpload('form-upload', MAX_UPLOAD_BYTES, importUpload, function (code) {
      say(code === 'too-big' ? TEXT.uploadTooBig : TEXT.uploadRead, 'error');
    });
    editor.on('commandStack.changed', function (event) {
      if (event.trigger !== 'clear') { // an import clears the stack: not an edit
        dirty.mark();
      }
    });
  }

  function load(schema) {
    if (readonly) {
      // Read-only: the form as the user will see it, no editor.
      container.iflSchema = schema;
      var view = new lib.Form({ container: container });
      return view.importSchema(schema, {}).then(function () { view.setProperty('readOnly', true); });
    }
    editor = new lib.FormEditor({ container: container });
    window.iflFormEditor = editor; // for the page's own tests and the browser console
    return editor.importSchema(schema);
  }

  function start() {
    container.setAttribute('data-editor-state', 'loading');
    if (!lib || !editorKit || typeof window.fetch !== 'function') {
      container.setAttribute('data-editor-state', 'error');
      if (editorKit) {
        say(TEXT.loadFailed, 'error');
      }
      return;
    }
    window.fetch(container.getAttribute('data-schema-url'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(load)
      .then(function () {
        wire();
        container.setAttribute('data-editor-state', 'ready');
      })
      .catch(function (err) {
        if (window.console) {
          window.console.error('form_editor', err);
        }
        container.setAttribute('data-editor-state', 'error');
        say(TEXT.loadFailed, 'error');
      });
  }

  start();
})();
