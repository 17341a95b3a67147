/*
 * Prozesse pages: the editors save drafts through JSON and update data-draft-version on their container
 * (#bpmn-modeler or #form-editor). Normal forms on the page (deploy, upload, discard) carry the draft version the
 * server expects in a hidden input; this copies the editor's current value into it just before submitting, so a
 * deploy after an in-page save refers to exactly the draft the user saved.
 */
(function () {
  'use strict';

  function editorVersion() {
    var editor = document.querySelector('#bpmn-modeler[data-draft-version], #form-editor[data-draft-version]');
    return editor ? editor.getAttribute('data-draft-version') : null;
  }

  function sync(event) {
    var form = event.target;
    var input = form && form.querySelector ? form.querySelector('input[name="draft_version"]') : null;
    var version = editorVersion();
    if (input && version !== null) {
      input.value = version;
    }
  }

  // Capture phase: runs before the editors' own submit handlers and before the browser builds the request.
  document.addEventListener('submit', sync, true);
})();
