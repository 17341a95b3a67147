/*
 * Integraflow – small helpers shared by the BPMN editor (bpmn_modeler.js) and the form editor (form_editor.js):
 * JSON POSTs with the CSRF token, unsaved-changes tracking, the problems list, file upload and download.
 * Load before either editor; exposes window.iflEditorKit. No inline script or style (strict CSP).
 */
(function () {
  'use strict';

  var SEVERITY = { error: 'Fehler', warning: 'Warnung' };
  var NO_PROBLEMS = 'Keine Probleme gefunden.';
  var WHOLE_DEFINITION = 'Gesamte Definition';

  /** Parse a JSON list from a data attribute; anything else is an empty list. */
  function parseJsonList(value) {
    try {
      var parsed = JSON.parse(value || '[]');
      return Array.isArray(parsed) ? parsed : [];
    } catch (e) {
      return [];
    }
  }

  /** Parse a JSON object from a data attribute; anything else is an empty object. */
  function parseJson(value) {
    try {
      var parsed = JSON.parse(value || '{}');
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    } catch (e) {
      return {};
    }
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  /** POST a JSON body; resolves to {ok, status, body} with the parsed JSON reply ({} if it was not JSON). */
  function postJson(url, payload) {
    return window.fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        'Accept': 'application/json',
        'X-CSRFToken': csrfToken()
      },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { ok: response.ok, status: response.status, body: body || {} };
      });
    });
  }

  /** The container's data-draft-version as an int, or null when empty. */
  function draftVersion(container) {
    var value = parseInt(container.getAttribute('data-draft-version') || '', 10);
    return isNaN(value) ? null : value;
  }

  var SAVE_TEXT = {
    saving: 'Entwurf wird gespeichert …',
    saved: 'Entwurf gespeichert.',
    conflict: 'Jemand anderes hat den Entwurf inzwischen gespeichert. Ihre Änderungen sind noch hier: ' +
      'bitte herunterladen, die Seite neu laden und die Änderungen erneut vornehmen.',
    requestFailed: 'Der Server hat nicht wie erwartet geantwortet. Ihre Änderungen sind nicht verloren.'
  };

  /**
   * Save the editor's draft: `payload` is a promise of the JSON body (without draft_version). Disables the save
   * button meanwhile, keeps data-draft-version current, marks the editor saved only up to the edits made before
   * the request (later edits stay unsaved), and reports through `say` and `showProblems`. A 409 or any failure
   * leaves the user's work in the editor.
   */
  function saveDraft(container, button, dirty, payload, say, showProblems) {
    var changedSince = dirty.generation();
    if (button) {
      button.disabled = true;
    }
    say(SAVE_TEXT.saving, 'info');
    return Promise.resolve(payload)
      .then(function (body) {
        body.draft_version = draftVersion(container);
        return postJson(container.getAttribute('data-save-url'), body);
      })
      .then(function (reply) {
        var body = reply.body;
        if (reply.ok && body.ok !== false) {
          if (body.draft_version !== undefined && body.draft_version !== null) {
            container.setAttribute('data-draft-version', String(body.draft_version));
          }
          dirty.savedAt(changedSince);
          say(body.message || SAVE_TEXT.saved, 'ok');
        } else if (reply.status === 409) {
          say(body.message || SAVE_TEXT.conflict, 'error');
        } else {
          say(body.message || SAVE_TEXT.requestFailed, 'error');
        }
        if (body.problems) {
          showProblems(body.problems);
        }
      })
      .catch(function () { say(SAVE_TEXT.requestFailed, 'error'); })
      .then(function () {
        if (button) {
          button.disabled = false;
        }
      });
  }

  /** Show a message in a role=status element; kind is info, ok or error (a CSS class). */
  function say(element, message, kind) {
    if (!element) {
      return;
    }
    element.textContent = message || '';
    element.className = 'editor-status' + (message ? ' editor-status-' + (kind || 'info') : '');
  }

  /**
   * Unsaved-changes state of an editor: a badge after the save button, data-dirty on the container and a
   * warning on page unload. Changes are counted, so a save that was under way while the user kept editing
   * leaves the editor dirty.
   */
  function dirtyTracker(container, saveButton, label) {
    var generation = 0;
    var savedGeneration = 0;
    var badge = document.createElement('span');
    badge.className = 'editor-dirty';
    badge.textContent = label;
    badge.hidden = true;
    if (saveButton && saveButton.parentNode) {
      saveButton.parentNode.insertBefore(badge, saveButton.nextSibling);
    }
    container.setAttribute('data-dirty', '0');

    function render() {
      var isDirty = generation !== savedGeneration;
      badge.hidden = !isDirty;
      container.setAttribute('data-dirty', isDirty ? '1' : '0');
    }

    window.addEventListener('beforeunload', function (event) {
      if (generation !== savedGeneration) {
        event.preventDefault();
        event.returnValue = '';
      }
    });

    return {
      mark: function () { generation += 1; render(); },
      generation: function () { return generation; },
      savedAt: function (savedGen) { savedGeneration = savedGen; render(); },
      isDirty: function () { return generation !== savedGeneration; }
    };
  }

  /** Keep a form from submitting while the editor has unsaved changes. */
  function guardDeployForm(form, dirty, onBlocked) {
    if (!form) {
      return;
    }
    form.addEventListener('submit', function (event) {
      if (dirty.isDirty()) {
        event.preventDefault();
        onBlocked();
      }
    });
  }

  /**
   * Render problems [{severity, element_id, message}] into a list, errors first. labelFor(id) names the element;
   * onFocus(id) is called when its name is clicked.
   */
  function renderProblems(list, problems, labelFor, onFocus) {
    if (!list) {
      return;
    }
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    list.classList.add('problem-list');
    var sorted = problems.slice().sort(function (a, b) {
      return (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1);
    });
    if (!sorted.length) {
      var none = document.createElement('li');
      none.className = 'problem problem-none';
      none.textContent = NO_PROBLEMS;
      list.appendChild(none);
      return;
    }
    sorted.forEach(function (problem) {
      var severity = problem.severity === 'error' ? 'error' : 'warning';
      var item = document.createElement('li');
      item.className = 'problem problem-' + severity;
      if (problem.element_id) {
        item.setAttribute('data-element-id', problem.element_id);
      }
      var label = document.createElement('span');
      label.className = 'problem-severity';
      label.textContent = SEVERITY[severity];
      item.appendChild(label);
      if (problem.element_id) {
        var link = document.createElement('button');
        link.type = 'button';
        link.className = 'link problem-element';
        link.textContent = labelFor(problem.element_id) || problem.element_id;
        link.addEventListener('click', function () { onFocus(problem.element_id); });
        item.appendChild(link);
      } else {
        var whole = document.createElement('span');
        whole.className = 'problem-element';
        whole.textContent = WHOLE_DEFINITION;
        item.appendChild(whole);
      }
      var text = document.createElement('span');
      text.className = 'problem-message';
      text.textContent = problem.message || '';
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  /** Offer text as a file download. */
  function downloadText(text, fileName, mimeType) {
    var url = URL.createObjectURL(new Blob([text], { type: mimeType }));
    var link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  /** Read a chosen file as text: onText(text, fileName), or onError('too-big' | 'unreadable'). */
  function onUpload(inputId, maxBytes, onText, onError) {
    var input = document.getElementById(inputId);
    if (!input) {
      return;
    }
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      input.value = ''; // choosing the same file again fires change again
      if (!file) {
        return;
      }
      if (file.size > maxBytes) {
        onError('too-big');
        return;
      }
      var reader = new FileReader();
      reader.onload = function () { onText(String(reader.result), file.name); };
      reader.onerror = function () { onError('unreadable'); };
      reader.readAsText(file);
    });
  }

  function onClick(id, handler) {
    var element = document.getElementById(id);
    if (element) {
      element.addEventListener('click', function (event) {
        event.preventDefault();
        handler();
      });
    }
  }

  /** Disable and hide a control that makes no sense in a read-only editor. */
  function disable(id) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    element.disabled = true;
    var wrapper = element.closest('label') || element;
    wrapper.hidden = true;
  }

  window.iflEditorKit = {
    parseJson: parseJson,
    parseJsonList: parseJsonList,
    postJson: postJson,
    draftVersion: draftVersion,
    saveDraft: saveDraft,
    say: say,
    dirtyTracker: dirtyTracker,
    guardDeployForm: guardDeployForm,
    renderProblems: renderProblems,
    downloadText: downloadText,
    onUpload: onUpload,
    onClick: onClick,
    disable: disable
  };
})();
