/*
 * Integraflow – BPMN editor page: bpmn-js Modeler with the (filtered) properties panel, lint check, draft save,
 * upload and download. No inline script (strict CSP); everything is wired from the markup below.
 *
 * Needs, in this order (all our own static files):
 *   CSS: vendor/bpmn-js/diagram-js.css, vendor/bpmn-js/bpmn-js.css, vendor/bpmn-js/bpmn-font/css/bpmn.css,
 *        vendor/bpmn-modeler-bundle/properties-panel.css, css/editor.css
 *   JS:  vendor/bpmn-modeler-bundle/integraflow-modeler.js (global IntegraflowModeler),
 *        js/bpmn_i18n_de.js (German labels), js/bpmn_properties.js (panel filter), js/bpmn_modeler.js (this file)
 *
 * Markup contract:
 *   <meta name="csrf-token" content="...">  (sent as X-CSRFToken on every POST)
 *   <div id="bpmn-modeler" data-xml-url data-save-url data-check-url data-draft-version data-forms='["intake"]'
 *        data-filename="client_journey.bpmn" data-readonly="0|1"></div>
 *   <div id="bpmn-properties"></div>
 *   #bpmn-check, #bpmn-save, #bpmn-download (buttons), #bpmn-upload (file input), #modeler-status (role=status),
 *   #lint-problems (ul), #deploy-form (optional; blocked while there are unsaved changes)
 *
 * The container gets data-modeler-state="loading|ready|error" and data-dirty="0|1" (tests and CSS use them).
 */
(function () {
  'use strict';

  var lib = window.IntegraflowModeler;
  var editorKit = window.iflEditorKit;
  var container = document.getElementById('bpmn-modeler');
  if (!container) {
    return;
  }

  var TEXT = {
    loadFailed: 'Das Prozessdiagramm konnte nicht geladen werden.',
    readonly: 'Nur Ansicht: diese Version kann nicht bearbeitet werden.',
    dirty: 'Ungespeicherte Änderungen',
    saveFirst: 'Bitte zuerst den Entwurf speichern.',
    checking: 'Diagramm wird geprüft …',
    checkDone: 'Prüfung abgeschlossen.',
    requestFailed: 'Der Server hat nicht wie erwartet geantwortet. Ihre Änderungen sind nicht verloren.',
    uploadTooBig: 'Die Datei ist zu groß (höchstens 5 MB).',
    uploadFailed: 'Die Datei ist kein gültiges BPMN-Diagramm; das bisherige Diagramm bleibt erhalten.',
    uploadRead: 'Die Datei konnte nicht gelesen werden.',
    uploaded: 'Datei geladen – noch nicht gespeichert.',
    downloadFailed: 'Das Diagramm konnte nicht exportiert werden.'
  };
  var MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
  // Few groups are left after filtering (bpmn_properties.js): show them open instead of making the user click.
  var OPEN_GROUPS = {
    'general': { open: true },
    'documentation': { open: true },
    'timer': { open: true },
    'iflSemantics': { open: true },
    'iflAssignment': { open: true },
    'iflCondition': { open: true },
    'CamundaPlatform__Form': { open: true },
    'CamundaPlatform__Script': { open: true }
  };
  var PALETTE_ROOM = 110; // px left free for the palette when fitting the diagram

  var status = document.getElementById('modeler-status');
  var problemList = document.getElementById('lint-problems');
  var readonly = container.getAttribute('data-readonly') === '1';
  var forms = editorKit.parseJsonList(container.getAttribute('data-forms'));
  var modeler = null;
  var lintIds = [];
  var dirty = editorKit.dirtyTracker(container, document.getElementById('bpmn-save'), TEXT.dirty);

  function say(message, kind) {
    editorKit.say(status, message, kind);
  }

  function buildModeler() {
    if (readonly) {
      return new lib.NavigatedViewer({ container: container });
    }
    var modules = [
      lib.BpmnPropertiesPanelModule,
      lib.BpmnPropertiesProviderModule,
      lib.CamundaPlatformPropertiesProviderModule,
      lib.CamundaBehaviorsModule
    ];
    if (window.iflBpmnProperties) {
      modules.push(window.iflBpmnProperties.module(forms, editorKit.parseJson(container.getAttribute('data-vocabulary')),
        editorKit.parseJson(container.getAttribute('data-fields'))));
    }
    if (window.iflBpmnI18nDe) {
      modules.push(window.iflBpmnI18nDe.module);
    }
    return new lib.Modeler({
      container: container,
      propertiesPanel: { parent: '#bpmn-properties', layout: { groups: OPEN_GROUPS } },
      additionalModules: modules,
      moddleExtensions: { camunda: lib.camundaModdle }
    });
  }

  /** Fit the whole diagram into the canvas (never enlarge), leaving room for the palette on the left. */
  // The palette's real right edge (one or two columns, depending on the canvas height) plus a margin, so the
  // fitted diagram's lane labels start beside it, never under it.
  function paletteRoom() {
    var palette = container.querySelector('.djs-palette');
    if (!palette || !palette.offsetWidth) {
      return PALETTE_ROOM;
    }
    var right = palette.getBoundingClientRect().right - container.getBoundingClientRect().left;
    return Math.max(PALETTE_ROOM, Math.round(right) + 16);
  }

  function fitViewport() {
    var canvas = modeler.get('canvas');
    var box = canvas.viewbox();
    var inner = box.inner;
    var outer = box.outer;
    var left = readonly ? 20 : paletteRoom();
    if (!outer.width || !outer.height || !inner.width || !inner.height) {
      return; // container without size (hidden) or empty diagram: keep the default zoom
    }
    var scale = Math.min((outer.width - left - 20) / inner.width, (outer.height - 40) / inner.height, 1);
    canvas.viewbox({
      x: inner.x - left / scale,
      y: inner.y - (outer.height / scale - inner.height) / 2,
      width: outer.width / scale,
      height: outer.height / scale
    });
  }

  // ---- problems (lint) -------------------------------------------------------------------------------------------

  function clearLint() {
    var canvas = modeler.get('canvas');
    var registry = modeler.get('elementRegistry');
    lintIds.forEach(function (id) {
      if (registry.get(id)) {
        canvas.removeMarker(id, 'lint-error');
        canvas.removeMarker(id, 'lint-warning');
      }
    });
    lintIds = [];
    modeler.get('overlays').remove({ type: 'lint' });
  }

  function elementLabel(id) {
    var element = id && modeler.get('elementRegistry').get(id);
    var name = element && element.businessObject && element.businessObject.name;
    return name ? name + ' (' + id + ')' : id;
  }

  function focusElement(id) {
    var element = modeler.get('elementRegistry').get(id);
    if (!element) {
      return;
    }
    modeler.get('canvas').scrollToElement(element, { top: 80, bottom: 80, left: 80, right: 80 });
    if (!readonly) {
      modeler.get('selection').select(element);
    }
  }

  function markOnCanvas(problems) {
    var canvas = modeler.get('canvas');
    var registry = modeler.get('elementRegistry');
    var overlays = modeler.get('overlays');
    var byId = {};
    problems.forEach(function (problem) {
      var id = problem.element_id;
      if (!id || !registry.get(id)) {
        return;
      }
      var entry = byId[id] || (byId[id] = { error: false, messages: [] });
      entry.error = entry.error || problem.severity === 'error';
      entry.messages.push(problem.message);
    });
    Object.keys(byId).forEach(function (id) {
      var entry = byId[id];
      var kind = entry.error ? 'error' : 'warning';
      canvas.addMarker(id, 'lint-' + kind);
      lintIds.push(id);
      var badge = document.createElement('span');
      badge.className = 'lint-badge lint-badge-' + kind;
      badge.textContent = entry.error ? '!' : '?';
      badge.title = entry.messages.join('\n');
      badge.setAttribute('aria-hidden', 'true');
      overlays.add(id, 'lint', { position: { top: -10, right: 10 }, html: badge });
    });
  }

  function showProblems(problems) {
    clearLint();
    editorKit.renderProblems(problemList, problems || [], elementLabel, focusElement);
    markOnCanvas(problems || []);
  }

  // ---- server round trips ----------------------------------------------------------------------------------------

  function currentXml() {
    return modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function check() {
    say(TEXT.checking, 'info');
    return currentXml()
      .then(function (xml) {
        return editorKit.postJson(container.getAttribute('data-check-url'), { xml: xml });
      })
      .then(function (reply) {
        if (!reply.ok && !reply.body.problems) {
          say(reply.body.message || TEXT.requestFailed, 'error');
          return;
        }
        showProblems(reply.body.problems);
        say(reply.body.message || TEXT.checkDone, 'info');
      })
      .catch(function () { say(TEXT.requestFailed, 'error'); });
  }

  function save() {
    return editorKit.saveDraft(container, document.getElementById('bpmn-save'), dirty,
      currentXml().then(function (xml) { return { xml: xml }; }), say, showProblems);
  }

  // ---- upload / download -----------------------------------------------------------------------------------------

  function importUpload(text, fileName) {
    var previous;
    return currentXml()
      .then(function (xml) {
        previous = xml;
        return modeler.importXML(text);
      })
      .then(function () {
        fitViewport();
        showProblems([]);
        dirty.mark();
        say('„' + fileName + '“: ' + TEXT.uploaded, 'info');
      })
      .catch(function () {
        // A failed import may have cleared the canvas: put the previous diagram back (its edits included).
        return modeler.importXML(previous).then(function () {
          say(TEXT.uploadFailed, 'error');
        }, function () {
          say(TEXT.uploadFailed, 'error');
        });
      });
  }

  function download() {
    currentXml()
      .then(function (xml) {
        editorKit.downloadText(xml, container.getAttribute('data-filename') || 'prozess.bpmn', 'application/xml');
      })
      .catch(function () { say(TEXT.downloadFailed, 'error'); });
  }

  // ---- wiring ----------------------------------------------------------------------------------------------------

  function wireButtons() {
    editorKit.onClick('bpmn-download', download);
    if (readonly) {
      ['bpmn-check', 'bpmn-save', 'bpmn-upload'].forEach(editorKit.disable);
      say(TEXT.readonly, 'info');
      return;
    }
    editorKit.onClick('bpmn-check', check);
    editorKit.onClick('bpmn-save', save);
    editorKit.onUpload('bpmn-upload', MAX_UPLOAD_BYTES, importUpload, function (message) {
      say(message === 'too-big' ? TEXT.uploadTooBig : TEXT.uploadRead, 'error');
    });
    modeler.on('commandStack.changed', function (event) {
      if (event.trigger !== 'clear') { // an import clears the stack: not an edit
        dirty.mark();
      }
    });
    editorKit.guardDeployForm(document.getElementById('deploy-form'), dirty, function () {
      say(TEXT.saveFirst, 'error');
    });
  }

  function start() {
    container.setAttribute('data-modeler-state', 'loading');
    if (!lib || !editorKit || typeof window.fetch !== 'function') {
      container.setAttribute('data-modeler-state', 'error');
      say(TEXT.loadFailed, 'error');
      return;
    }
    if (readonly) {
      // Before the viewer measures its container: without the panel the canvas takes the whole width.
      var panel = document.getElementById('bpmn-properties');
      if (panel) {
        panel.hidden = true;
      }
      container.classList.add('is-readonly');
    }
    modeler = buildModeler();
    window.iflBpmnModeler = modeler; // for the page's own tests and the browser console
    window.fetch(container.getAttribute('data-xml-url'), { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (xml) { return modeler.importXML(xml); })
      .then(function () {
        fitViewport();
        if (window.iflDiagramControls) {
          window.iflDiagramControls.attach(modeler, container, { fit: fitViewport });
        }
        wireButtons();
        window.addEventListener('resize', function () { modeler.get('canvas').resized(); });
        container.setAttribute('data-modeler-state', 'ready');
      })
      .catch(function (err) {
        if (window.console) {
          window.console.error('bpmn_modeler', err);
        }
        container.setAttribute('data-modeler-state', 'error');
        say(TEXT.loadFailed, 'error');
      });
  }

  start();
})();
