/* Prozesse › Entscheidungstabellen: dmn-js (vendored, window.DmnJS) on the table's newest version.
 *
 * „Prüfen“ and „Testen“ post the table as edited to the server (our checker and our restricted evaluator);
 * problems are marked on their cells (data-element-id / data-col-id), matched rules are highlighted.
 * „Bereitstellen“ is a normal form: the editor's XML goes into its hidden field right before it is sent.
 */
(function () {
  'use strict';
  var container = document.getElementById('dmn-editor');
  if (!container || !window.DmnJS) { return; }
  var statusEl = document.getElementById('dmn-status');
  var problemList = document.getElementById('dmn-problems');
  var resultEl = document.getElementById('dmn-test-result');
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  // German labels (When → Wenn, Hit policy → Trefferrichtlinie …) for each view of dmn-js; per view, because
  // dmn-js replaces `common.additionalModules` with the view's own list.
  var german = window.iflDmnI18nDe ? { additionalModules: [window.iflDmnI18nDe.module] } : {};
  var modeler = new window.DmnJS({
    container: container, drd: german, decisionTable: german, literalExpression: german
  });

  function status(text) { statusEl.textContent = text; }

  function openTable() {
    var view = modeler.getViews().filter(function (v) { return v.type === 'decisionTable'; })[0];
    return view ? modeler.open(view) : Promise.resolve();
  }

  function currentXml() {
    return modeler.saveXML({ format: true }).then(function (result) { return result.xml; });
  }

  function post(url, body) {
    return window.fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false, message: 'Antwort des Servers unlesbar.' }; });
    });
  }

  function cellsOf(id) {
    if (!id) { return []; }
    var safe = window.CSS && window.CSS.escape ? window.CSS.escape(id) : id;
    return Array.prototype.slice.call(container.querySelectorAll(
      '[data-element-id="' + safe + '"], [data-col-id="' + safe + '"], [data-row-id="' + safe + '"]'));
  }

  function clearMarks(cls) {
    Array.prototype.forEach.call(container.querySelectorAll('.' + cls), function (el) {
      el.classList.remove(cls);
      if (cls !== 'ifl-matched') { el.removeAttribute('title'); }
    });
  }

  function showProblems(problems) {
    clearMarks('ifl-problem');
    clearMarks('ifl-warning');
    problemList.textContent = '';
    problems.forEach(function (p) {
      var li = document.createElement('li');
      li.className = p.severity;
      li.setAttribute('data-element-id', p.element_id || '');
      li.textContent = (p.severity === 'error' ? 'Fehler: ' : 'Warnung: ') + p.message;
      problemList.appendChild(li);
      cellsOf(p.element_id).forEach(function (cell) {
        cell.classList.add(p.severity === 'error' ? 'ifl-problem' : 'ifl-warning');
        cell.setAttribute('title', p.message);
      });
    });
  }

  function initialProblems() {
    return Array.prototype.map.call(problemList.querySelectorAll('li'), function (li) {
      return { severity: li.className || 'error', element_id: li.getAttribute('data-element-id'),
               message: li.textContent };
    });
  }

  window.fetch(container.getAttribute('data-xml-url'), { credentials: 'same-origin' })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return modeler.importXML(xml); })
    .then(openTable)
    .then(function () {
      status('Tabelle geladen.');
      container.setAttribute('data-ready', 'true');
      var initial = initialProblems();
      if (initial.length) { showProblems(initial); }
    })
    .catch(function (err) { status('Die Tabelle konnte nicht geladen werden: ' + (err && err.message || err)); });

  document.getElementById('dmn-check').addEventListener('click', function () {
    status('Prüfe …');
    currentXml().then(function (xml) { return post(container.getAttribute('data-check-url'), { xml: xml }); })
      .then(function (reply) {
        if (reply.problems) { showProblems(reply.problems); }
        status(reply.message || '');
      });
  });

  document.getElementById('dmn-download').addEventListener('click', function () {
    currentXml().then(function (xml) {
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([xml], { type: 'application/xml' }));
      link.download = container.getAttribute('data-file-name');
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  });

  document.getElementById('dmn-test').addEventListener('submit', function (event) {
    event.preventDefault();
    var values = {};
    Array.prototype.forEach.call(event.target.querySelectorAll('[data-test-field]'), function (input) {
      values[input.getAttribute('data-test-field')] = input.value;
    });
    resultEl.textContent = 'Teste …';
    currentXml().then(function (xml) { return post(container.getAttribute('data-test-url'), { xml: xml, values: values }); })
      .then(function (reply) {
        clearMarks('ifl-matched');
        resultEl.textContent = '';
        var out = document.createElement(reply.ok ? 'pre' : 'p');
        out.className = reply.ok ? 'result-lines' : 'error';
        out.textContent = reply.ok ? reply.lines.join('\n') : ('Fehler: ' + (reply.message || 'unbekannt'));
        resultEl.appendChild(out);
        (reply.rule_ids || []).forEach(function (id) {
          cellsOf(id).forEach(function (cell) { cell.classList.add('ifl-matched'); });
        });
      });
  });

  var deployForm = document.getElementById('dmn-deploy');
  deployForm.addEventListener('submit', function (event) {
    var file = deployForm.querySelector('input[type=file]');
    if (file && file.files && file.files.length) { return; }  // the uploaded file is deployed instead
    event.preventDefault();
    currentXml().then(function (xml) {
      document.getElementById('dmn-deploy-xml').value = xml;
      HTMLFormElement.prototype.submit.call(deployForm);  // the browser already validated the comment
    });
  });
}());
