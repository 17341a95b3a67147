/*
 * Integraflow – compare two versions of a process: two navigated viewers side by side (old left, new right) with
 * the changed elements marked, viewports kept in step, and the server-rendered change list focusing elements.
 *
 * Needs: vendor/bpmn-js/{diagram-js,bpmn-js}.css, vendor/bpmn-js/bpmn-font/css/bpmn.css, css/editor.css,
 *        vendor/bpmn-js/bpmn-navigated-viewer.production.min.js (global BpmnJS), then this file.
 *
 * Markup contract:
 *   <div id="bpmn-diff" data-old-url data-new-url data-changes='{"added":[ids],"removed":[ids],"changed":[ids]}'>
 *     <div id="bpmn-diff-old"></div><div id="bpmn-diff-new"></div></div>
 *   <ul id="bpmn-diff-list"><li data-element-id="...">...</li></ul>   (rendered by the server)
 *
 * Markers: diff-added (new version), diff-removed (old version), diff-changed (both); see editor.css.
 * #bpmn-diff gets data-diff-state="loading|ready|error".
 */
(function () {
  'use strict';

  var root = document.getElementById('bpmn-diff');
  if (!root) {
    return;
  }
  var TEXT = {
    failed: 'Die Versionen konnten nicht geladen werden.',
    oldTitle: 'Bisherige Version',
    newTitle: 'Neue Version'
  };

  function parseChanges(value) {
    var changes = {};
    try {
      changes = JSON.parse(value || '{}') || {};
    } catch (e) {
      changes = {};
    }
    ['added', 'removed', 'changed'].forEach(function (kind) {
      if (!Array.isArray(changes[kind])) {
        changes[kind] = [];
      }
    });
    return changes;
  }

  function fetchXml(url) {
    return window.fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status);
      }
      return response.text();
    });
  }

  function addTitle(pane, text) {
    var title = document.createElement('p');
    title.className = 'diff-pane-title';
    title.textContent = text;
    pane.appendChild(title);
  }

  function mark(viewer, ids, marker) {
    var registry = viewer.get('elementRegistry');
    var canvas = viewer.get('canvas');
    ids.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    });
  }

  /** Keep the two viewports showing the same region (both diagrams share one coordinate space). */
  function synchronise(a, b) {
    var busy = false;
    function follow(source, target) {
      source.on('canvas.viewbox.changed', function (event) {
        if (busy) {
          return;
        }
        busy = true;
        try {
          var box = event.viewbox;
          target.get('canvas').viewbox({ x: box.x, y: box.y, width: box.width, height: box.height });
        } finally {
          busy = false;
        }
      });
    }
    follow(a, b);
    follow(b, a);
  }

  function bounds(element) {
    if (element.waypoints) {
      var xs = element.waypoints.map(function (p) { return p.x; });
      var ys = element.waypoints.map(function (p) { return p.y; });
      var minX = Math.min.apply(null, xs);
      var minY = Math.min.apply(null, ys);
      return { x: minX, y: minY, width: Math.max.apply(null, xs) - minX, height: Math.max.apply(null, ys) - minY };
    }
    return { x: element.x, y: element.y, width: element.width, height: element.height };
  }

  /** Centre an element (present in either version) in both viewers, keeping the zoom. */
  function centre(oldViewer, newViewer, id) {
    var viewer = newViewer.get('elementRegistry').get(id) ? newViewer
      : (oldViewer.get('elementRegistry').get(id) ? oldViewer : null);
    if (!viewer) {
      return;
    }
    var box = bounds(viewer.get('elementRegistry').get(id));
    var canvas = viewer.get('canvas');
    var view = canvas.viewbox();
    canvas.viewbox({
      x: box.x + box.width / 2 - view.width / 2,
      y: box.y + box.height / 2 - view.height / 2,
      width: view.width,
      height: view.height
    }); // the other viewer follows through synchronise()
  }

  function wireList(oldViewer, newViewer) {
    var list = document.getElementById('bpmn-diff-list');
    if (!list) {
      return;
    }
    Array.prototype.forEach.call(list.querySelectorAll('li[data-element-id]'), function (item) {
      // A real button per entry: the list keeps list semantics (an <li role="button"> would break them) and
      // keyboard users reach each change with Tab; a click anywhere on the entry does the same.
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'link diff-show';
      button.textContent = 'Im Diagramm zeigen';
      button.setAttribute('aria-label', 'Im Diagramm zeigen: ' + (item.getAttribute('data-element-name') ||
        item.getAttribute('data-element-id')));
      item.appendChild(button);
      function activate() {
        Array.prototype.forEach.call(list.querySelectorAll('li.is-focused'), function (other) {
          other.classList.remove('is-focused');
        });
        item.classList.add('is-focused');
        centre(oldViewer, newViewer, item.getAttribute('data-element-id'));
      }
      item.addEventListener('click', activate);
    });
  }

  function fail(err) {
    if (window.console) {
      window.console.error('bpmn_diff', err);
    }
    root.setAttribute('data-diff-state', 'error');
    var message = document.createElement('p');
    message.className = 'diagram-error';
    message.textContent = TEXT.failed;
    root.parentNode.insertBefore(message, root);
  }

  function start() {
    root.setAttribute('data-diff-state', 'loading');
    var oldPane = document.getElementById('bpmn-diff-old');
    var newPane = document.getElementById('bpmn-diff-new');
    if (!oldPane || !newPane || typeof window.BpmnJS !== 'function' || typeof window.fetch !== 'function') {
      fail(new Error('missing viewer or panes'));
      return;
    }
    var changes = parseChanges(root.getAttribute('data-changes'));
    var oldViewer = new window.BpmnJS({ container: oldPane });
    var newViewer = new window.BpmnJS({ container: newPane });
    window.iflBpmnDiff = { oldViewer: oldViewer, newViewer: newViewer };
    addTitle(oldPane, TEXT.oldTitle);
    addTitle(newPane, TEXT.newTitle);

    Promise.all([fetchXml(root.getAttribute('data-old-url')), fetchXml(root.getAttribute('data-new-url'))])
      .then(function (xmls) {
        return Promise.all([oldViewer.importXML(xmls[0]), newViewer.importXML(xmls[1])]);
      })
      .then(function () {
        mark(oldViewer, changes.removed, 'diff-removed');
        mark(oldViewer, changes.changed, 'diff-changed');
        mark(newViewer, changes.added, 'diff-added');
        mark(newViewer, changes.changed, 'diff-changed');
        try {
          newViewer.get('canvas').zoom('fit-viewport', 'auto');
          var box = newViewer.get('canvas').viewbox();
          oldViewer.get('canvas').viewbox({ x: box.x, y: box.y, width: box.width, height: box.height });
        } catch (e) {
          // panes without size (hidden): keep the default zoom
        }
        synchronise(oldViewer, newViewer);
        window.addEventListener('resize', function () {
          oldViewer.get('canvas').resized();
          newViewer.get('canvas').resized();
        });
        wireList(oldViewer, newViewer);
        root.setAttribute('data-diff-state', 'ready');
      })
      .catch(fail);
  }

  start();
})();
