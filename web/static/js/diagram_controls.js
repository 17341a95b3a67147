/*
 * Integraflow – view controls for a bpmn-js canvas (case diagram, modeler): fit to width, zoom in and out, and
 * centre on the current step. Buttons sit in the canvas' top-right corner (German labels, keyboard reachable);
 * no inline styles or scripts (strict CSP: sizes are set through the CSSOM, which the policy allows).
 *
 *   var controls = window.iflDiagramControls.attach(viewer, container, {
 *     current: ['Task_a'],   // ids of the current step(s): "Aktueller Schritt" centres the first
 *     reserveLeft: 0,        // pixels kept free on the left (the modeler's palette)
 *     adjustHeight: true,    // fit the container's height to the diagram at that width (case page)
 *     readable: 0.6,         // below this scale (phones) show the current step at READABLE_SCALE instead
 *     fit: function () {}    // the page's own "whole diagram" (the modeler fits width and height)
 *   });
 *   controls.initial();      // the first view: fit to width, or the current step when that would be unreadable
 */
(function () {
  'use strict';

  var PAD = 20;
  var STEP = 1.25;
  var READABLE_SCALE = 0.8;
  var MIN_HEIGHT = 260;
  var MAX_HEIGHT = 720;
  var TEXT = {
    group: 'Diagrammansicht',
    fit: 'Ganzes Diagramm',
    fitTitle: 'Diagramm in voller Breite zeigen',
    zoomIn: 'Vergrößern',
    zoomOut: 'Verkleinern',
    current: 'Aktueller Schritt',
    currentTitle: 'Auf den aktuellen Schritt zentrieren'
  };

  function button(label, title, className, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'diagram-control ' + className;
    b.textContent = label;
    if (title) {
      b.title = title;
    }
    b.addEventListener('click', onClick);
    return b;
  }

  function attach(viewer, container, options) {
    var opts = options || {};
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    var current = (opts.current || []).filter(function (id) { return registry.get(id); });

    function fitWidth() {
      canvas.resized();
      var inner = canvas.viewbox().inner;
      var width = container.clientWidth;
      var left = opts.reserveLeft || 0;
      if (!inner.width || !inner.height || !width) {
        return null; // hidden container or empty diagram: keep the library's view
      }
      var scale = Math.min((width - left - 2 * PAD) / inner.width, 1);
      if (opts.adjustHeight) {
        var wanted = Math.round(inner.height * scale + 2 * PAD + 48); // room for the buttons above the shapes
        container.style.height = Math.min(Math.max(wanted, MIN_HEIGHT), MAX_HEIGHT) + 'px';
        canvas.resized();
      }
      var height = container.clientHeight;
      canvas.viewbox({
        x: inner.x - (left + PAD) / scale,
        y: inner.y - (height / scale - inner.height) / 2,
        width: width / scale,
        height: height / scale
      });
      return scale;
    }

    function centreOn(id) {
      var element = registry.get(id);
      if (!element) {
        return;
      }
      var box = canvas.viewbox();
      canvas.viewbox({
        x: element.x + element.width / 2 - box.width / 2,
        y: element.y + element.height / 2 - box.height / 2,
        width: box.width,
        height: box.height
      });
    }

    function zoomBy(factor) {
      canvas.zoom(Math.min(Math.max(canvas.zoom() * factor, 0.2), 4), 'auto');
    }

    function initial() {
      var scale = fitWidth();
      if (scale !== null && scale < (opts.readable || 0) && current.length) {
        if (opts.adjustHeight) {
          var inner = canvas.viewbox().inner;
          var wanted = Math.round(inner.height * READABLE_SCALE + 2 * PAD + 48);
          container.style.height = Math.min(Math.max(wanted, MIN_HEIGHT), MAX_HEIGHT) + 'px';
          canvas.resized();
        }
        canvas.zoom(READABLE_SCALE);
        centreOn(current[0]);
      }
    }

    var bar = document.createElement('div');
    bar.className = 'diagram-controls';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', TEXT.group);
    bar.appendChild(button(TEXT.fit, TEXT.fitTitle, 'diagram-fit', function () { (opts.fit || fitWidth)(); }));
    var zoomIn = button('+', null, 'diagram-zoom-in', function () { zoomBy(STEP); });
    zoomIn.setAttribute('aria-label', TEXT.zoomIn);
    zoomIn.title = TEXT.zoomIn;
    var zoomOut = button('−', null, 'diagram-zoom-out', function () { zoomBy(1 / STEP); });
    zoomOut.setAttribute('aria-label', TEXT.zoomOut);
    zoomOut.title = TEXT.zoomOut;
    bar.appendChild(zoomOut);
    bar.appendChild(zoomIn);
    if (current.length) {
      bar.appendChild(button(TEXT.current, TEXT.currentTitle, 'diagram-current', function () {
        if (canvas.zoom() < READABLE_SCALE) {
          canvas.zoom(READABLE_SCALE);
        }
        centreOn(current[0]);
      }));
    }
    container.appendChild(bar);

    return { fitWidth: fitWidth, centreOn: centreOn, zoomBy: zoomBy, initial: initial };
  }

  window.iflDiagramControls = { attach: attach };
})();
