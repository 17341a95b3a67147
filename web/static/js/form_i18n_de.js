/*
 * Integraflow – German for the bpmn.io form-js editor (palette, properties panel, context buttons, date picker).
 *
 * form-js has no translation hook (unlike bpmn-js' `translate`), so this is our own layer: a MutationObserver on
 * the editor's container rewrites the library's English texts and its placeholder/title/aria-label attributes as
 * they are rendered. Only the editor's own chrome is touched (palette, properties panel, flatpickr calendars and
 * the editor's buttons), never the labels a team lead typed into a form. Load after the form-js bundle and before
 * js/form_editor.js; it starts by itself on #form-editor.
 */
(function () {
  'use strict';

  var WORDS = {
    // palette
    'Components': 'Komponenten', 'Search components': 'Komponenten suchen', 'Input': 'Eingabe',
    'Basic input': 'Eingabe', 'Selection': 'Auswahl', 'Presentation': 'Darstellung', 'Containers': 'Container',
    'Action': 'Aktion', 'No components found.': 'Keine Komponenten gefunden.',
    'Text field': 'Textfeld', 'Text area': 'Textbereich', 'Number': 'Zahl', 'Date time': 'Datum/Uhrzeit',
    'Checkbox': 'Kontrollkästchen', 'Checkbox group': 'Kontrollkästchen-Gruppe', 'Radio group': 'Optionsfelder',
    'Select': 'Auswahlliste', 'Tag list': 'Schlagwortliste', 'Text view': 'Text', 'Image view': 'Bild',
    'Table': 'Tabelle', 'HTML view': 'HTML', 'Document preview': 'Dokumentvorschau', 'Expression': 'Ausdruck',
    'File picker': 'Dateiauswahl', 'Separator': 'Trennlinie', 'Spacer': 'Abstand', 'Group': 'Gruppe',
    'Dynamic list': 'Dynamische Liste', 'Button': 'Schaltfläche', 'Form': 'Formular',
    // properties panel: groups
    'General': 'Allgemein', 'Validation': 'Prüfung', 'Condition': 'Bedingung', 'Layout': 'Layout',
    'Appearance': 'Darstellung', 'Constraints': 'Einschränkungen', 'Custom properties': 'Eigene Eigenschaften',
    'Options': 'Optionen', 'Options source': 'Herkunft der Optionen', 'Static options': 'Feste Optionen',
    'Serialization': 'Speicherformat', 'Security attributes': 'Sicherheitsattribute', 'Headers source':
    'Herkunft der Spaltenköpfe', 'Content': 'Inhalt', 'Input data': 'Eingabedaten',
    // properties panel: entries
    'Field label': 'Beschriftung', 'Field description': 'Beschreibung', 'Key': 'Schlüssel',
    'Binds to a form variable': 'Verknüpft mit einer Formularvariablen', 'Default value': 'Standardwert',
    'Required': 'Pflichtfeld', 'Read only': 'Schreibgeschützt', 'Disabled': 'Deaktiviert',
    'Minimum length': 'Mindestlänge', 'Maximum length': 'Höchstlänge', 'Minimum': 'Minimum',
    'Maximum': 'Maximum', 'Pattern': 'Muster', 'Validation pattern': 'Prüfmuster', 'Custom': 'Eigenes',
    'Email': 'E-Mail', 'Phone': 'Telefon', 'Hide if': 'Ausblenden, wenn',
    'Condition under which the field is hidden': 'Bedingung, unter der das Feld ausgeblendet wird',
    'Columns': 'Spalten', 'Auto': 'Automatisch', 'Disallow past dates': 'Keine vergangenen Daten',
    'Subtype': 'Untertyp', 'Date': 'Datum', 'Time': 'Uhrzeit', 'Date & Time': 'Datum und Uhrzeit',
    'Date label': 'Beschriftung Datum', 'Time label': 'Beschriftung Uhrzeit', 'Time format': 'Zeitformat',
    'Time interval': 'Zeitintervall', 'Use 24h': '24-Stunden-Format', 'Checked': 'Angekreuzt',
    'Not checked': 'Nicht angekreuzt', 'Version tag': 'Versionskennung', 'Label': 'Beschriftung',
    'Value': 'Wert', 'Static': 'Feste Liste', 'Searchable': 'Durchsuchbar', 'Text': 'Text',
    'Alternative text': 'Alternativtext', 'Image source': 'Bildquelle', 'Source': 'Quelle', 'Height': 'Höhe',
    'Title': 'Titel', 'Prefix': 'Präfix', 'Suffix': 'Suffix', 'Decimal digits': 'Nachkommastellen',
    'Increment': 'Schrittweite', 'Serialize to string': 'Als Text speichern', 'Path': 'Pfad',
    'Repeatable': 'Wiederholbar', 'Show outline': 'Umrandung zeigen', 'Default number of items':
    'Anzahl Einträge zu Beginn', 'Allow add/delete items': 'Einträge hinzufügen und entfernen erlauben',
    'Disable collapse': 'Einklappen verhindern', 'Number of non-collapsing items':
    'Anzahl nicht eingeklappter Einträge', 'Submit': 'Absenden', 'Reset': 'Zurücksetzen', 'Create': 'Anlegen',
    'Create new list item': 'Neuen Eintrag anlegen', 'Delete item': 'Eintrag löschen',
    'Click to set a dynamic value with FEEL expression':
      'Klicken, um einen dynamischen Wert mit einem FEEL-Ausdruck festzulegen',
    'FEEL expression is mandatory': 'Ein FEEL-Ausdruck ist hier erforderlich',
    'Open pop-up editor': 'Editor im eigenen Fenster öffnen', 'Section contains edits': 'Abschnitt enthält Änderungen',
    'Toggle section': 'Abschnitt auf- oder zuklappen', 'Toggle list item': 'Eintrag auf- oder zuklappen',
    'Must be unique.': 'Muss eindeutig sein.', 'Must not be empty.': 'Darf nicht leer sein.',
    'Month': 'Monat', 'Year': 'Jahr',
    // date picker
    'January': 'Januar', 'February': 'Februar', 'March': 'März', 'April': 'April', 'May': 'Mai', 'June': 'Juni',
    'July': 'Juli', 'August': 'August', 'September': 'September', 'October': 'Oktober', 'November': 'November',
    'December': 'Dezember', 'Mon': 'Mo', 'Tue': 'Di', 'Wed': 'Mi', 'Thu': 'Do', 'Fri': 'Fr', 'Sat': 'Sa',
    'Sun': 'So'
  };
  var PATTERNS = [
    [/^Create an? (.+) element$/, function (m) { return '„' + word(m[1]) + '“ hinzufügen'; }],
    [/^Remove (.+)$/, function (m) { return word(m[1]) + ' entfernen'; }],
    [/^(January|February|March|April|May|June|July|August|September|October|November|December) (\d{1,2}), (\d{4})$/,
      function (m) { return m[2] + '. ' + WORDS[m[1]] + ' ' + m[3]; }]
  ];
  var ATTRIBUTES = ['placeholder', 'title', 'aria-label'];
  // The editor's own chrome; the form canvas in between shows the team lead's labels and stays untouched.
  var CHROME = '.fjs-palette-container, .fjs-properties-container, .bio-properties-panel, .flatpickr-calendar, ' +
    '.fjs-context-pad, .fjs-editor-container > .fjs-palette, .cds--tooltip, .fjs-empty-editor';

  function word(text) {
    return Object.prototype.hasOwnProperty.call(WORDS, text) ? WORDS[text] : text;
  }

  function translate(text) {
    var trimmed = text.trim();
    if (!trimmed) {
      return text;
    }
    var german = word(trimmed);
    if (german === trimmed) {
      for (var i = 0; i < PATTERNS.length; i += 1) {
        var match = PATTERNS[i][0].exec(trimmed);
        if (match) {
          german = PATTERNS[i][1](match);
          break;
        }
      }
    }
    return german === trimmed ? text : text.replace(trimmed, german);
  }

  function inChrome(node) {
    var element = node.nodeType === 1 ? node : node.parentElement;
    return Boolean(element && element.closest && element.closest(CHROME));
  }

  function translateNode(node) {
    if (node.nodeType === 3) {
      if (inChrome(node)) {
        var german = translate(node.nodeValue);
        if (german !== node.nodeValue) {
          node.nodeValue = german;
        }
      }
      return;
    }
    if (node.nodeType !== 1) {
      return;
    }
    if (inChrome(node)) {
      ATTRIBUTES.forEach(function (name) {
        var value = node.getAttribute(name);
        if (value) {
          var german = translate(value);
          if (german !== value) {
            node.setAttribute(name, german);
          }
        }
      });
    }
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    while (walker.nextNode()) {
      var current = walker.currentNode;
      if (current.nodeType === 3) {
        translateNode(current);
      } else if (inChrome(current)) {
        ATTRIBUTES.forEach(function (name) {
          var value = current.getAttribute(name);
          if (value) {
            var german = translate(value);
            if (german !== value) {
              current.setAttribute(name, german);
            }
          }
        });
      }
    }
  }

  function watch(root) {
    translateNode(root);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        if (mutation.type === 'childList') {
          Array.prototype.forEach.call(mutation.addedNodes, translateNode);
        } else {
          translateNode(mutation.target);
        }
      });
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ATTRIBUTES });
  }

  function start() {
    var root = document.getElementById('form-editor');
    if (root) {
      watch(root);
    }
    // flatpickr puts its calendars at the end of <body>.
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        Array.prototype.forEach.call(mutation.addedNodes, function (node) {
          if (node.nodeType === 1 && node.classList.contains('flatpickr-calendar')) {
            watch(node);
          }
        });
      });
    }).observe(document.body, { childList: true });
  }

  window.iflFormI18n = { translate: translate };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
