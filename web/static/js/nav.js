/*
 * Integraflow – the header menu on small screens. Loaded (synchronously) in <head> of every page: it marks the
 * document as scripted at once, so the folded menu never flashes open, and wires the "Menü" button when the page
 * is parsed. Without JavaScript the button stays hidden and the menu open (CSS keys on html.js).
 * Escape closes an open menu and gives the focus back to the button. A form's error summary takes the focus.
 */
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function focusErrorSummary() {
    // After a failed submit the summary is read out (role=alert) and takes the focus, so keyboard users start there.
    var summary = document.getElementById('error-summary');
    if (summary) {
      summary.focus();
    }
  }

  function wire() {
    focusErrorSummary();
    var button = document.querySelector('.nav-toggle');
    var menu = document.getElementById('site-menu');
    if (!button || !menu) {
      return;
    }
    button.hidden = false;

    function set(open) {
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      menu.classList.toggle('open', open);
    }

    button.addEventListener('click', function () {
      set(button.getAttribute('aria-expanded') !== 'true');
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') {
        set(false);
        button.focus();
      }
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', wire);
  } else {
    wire();
  }
}());
