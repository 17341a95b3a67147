/*
 * Integraflow – read-only BPMN diagram of a case with highlighted steps.
 *
 * Needs (load before this file, all from our own static files, no CDN):
 *   vendor/bpmn-js/diagram-js.css, vendor/bpmn-js/bpmn-js.css,
 *   vendor/bpmn-js/bpmn-font/css/bpmn.css, css/diagram.css,
 *   vendor/bpmn-js/bpmn-navigated-viewer.production.min.js  (global `BpmnJS`),
 *   js/diagram_controls.js (fit/zoom/current-step buttons; optional)
 *
 * Markup contract (no inline script needed, CSP friendly):
 *
 *   <div class="bpmn-diagram" data-bpmn-diagram
 *        data-xml-url="/cases/42/diagram.bpmn"   (required, URL returning BPMN XML)
 *        data-completed="StartEvent_1,Task_a"    (comma separated element ids)
 *        data-current="Task_b"                   (comma separated element ids)
 *        data-failed="Task_c"></div>             (optional, comma separated ids)
 *
 * Ids that do not exist in the diagram are ignored. Markers added to the
 * shapes/connections: ifl-done, ifl-current, ifl-failed (styled in diagram.css).
 * On a load/import error the container content is replaced by a German
 * message <p class="diagram-error">.
 */
(function () {
  'use strict';

  var ERROR_TEXT = 'Das Prozessdiagramm konnte nicht geladen werden.';

  // Attribute -> marker class. Order matters only for readability; the CSS
  // gives failed > current > done precedence if an id carries several markers.
  var MARKERS = [
    ['data-completed', 'ifl-done'],
    ['data-current', 'ifl-current'],
    ['data-failed', 'ifl-failed']
  ];

  function parseIds(value) {
    var seen = {};
    var ids = [];
    (value || '').split(',').forEach(function (part) {
      var id = part.trim();
      if (id && !Object.prototype.hasOwnProperty.call(seen, id)) {
        seen[id] = true;
        ids.push(id);
      }
    });
    return ids;
  }

  function showError(container, viewer) {
    if (viewer) {
      try { viewer.destroy(); } catch (e) { /* ignore */ }
    }
    while (container.firstChild) {
      container.removeChild(container.firstChild);
    }
    var p = document.createElement('p');
    p.className = 'diagram-error';
    p.textContent = ERROR_TEXT;
    container.appendChild(p);
    container.setAttribute('data-bpmn-state', 'error');
  }

  function applyMarkers(container, viewer) {
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    MARKERS.forEach(function (pair) {
      parseIds(container.getAttribute(pair[0])).forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, pair[1]);
        }
      });
    });
  }

  function render(container) {
    if (!container || container.getAttribute('data-bpmn-state')) {
      return Promise.resolve(); // already rendered / in progress
    }
    container.setAttribute('data-bpmn-state', 'loading');

    var url = container.getAttribute('data-xml-url');
    if (!url || typeof window.BpmnJS !== 'function' || typeof window.fetch !== 'function') {
      showError(container, null);
      return Promise.resolve();
    }

    var viewer;
    try {
      viewer = new window.BpmnJS({ container: container });
    } catch (e) {
      showError(container, null);
      return Promise.resolve();
    }

    return window.fetch(url, { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (xml) {
        return viewer.importXML(xml);
      })
      .then(function () {
        applyMarkers(container, viewer);
        try {
          if (window.iflDiagramControls) {
            // Fit to the width (readable on a desktop); on a phone the current step at a readable size instead.
            var controls = window.iflDiagramControls.attach(viewer, container, {
              current: parseIds(container.getAttribute('data-failed'))
                .concat(parseIds(container.getAttribute('data-current'))),
              adjustHeight: true,
              readable: 0.6
            });
            controls.initial();
            window.addEventListener('resize', function () { viewer.get('canvas').resized(); });
          } else {
            viewer.get('canvas').zoom('fit-viewport', 'auto'); // fit (never enlarge) and center
          }
        } catch (e) {
          // e.g. container hidden (zero size): keep default zoom
        }
        container.setAttribute('data-bpmn-state', 'ready');
      })
      .catch(function (err) {
        if (window.console && window.console.error) {
          window.console.error('case_diagram: ' + url, err);
        }
        showError(container, viewer);
      });
  }

  function renderAll(root) {
    var nodes = (root || document).querySelectorAll('[data-bpmn-diagram]');
    return Promise.all(Array.prototype.map.call(nodes, render));
  }

  // Small hook for pages that insert diagrams later (no inline script needed).
  window.iflCaseDiagram = { render: render, renderAll: renderAll };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { renderAll(document); });
  } else {
    renderAll(document);
  }
})();
