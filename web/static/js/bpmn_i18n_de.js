/*
 * Integraflow – German labels for the BPMN modeler (palette, context pad, properties panel).
 *
 * bpmn-js and its properties panel pass every label through the `translate` service; this module replaces it.
 * Strings without a German entry stay English (harmless: only the properties our engine uses are shown, see
 * bpmn_properties.js). The descriptions say what OUR engine expects (Python-like expressions), not Camunda's EL.
 * Exposes window.iflBpmnI18nDe.module; load before bpmn_modeler.js.
 */
(function () {
  'use strict';

  var DE = {
    // properties panel: groups and entries we show
    'General': 'Allgemein',
    'Name': 'Name',
    'ID': 'ID',
    'Process ID': 'Prozess-ID',
    'This maps to the process definition key.': 'Entspricht dem Schlüssel des Prozesses; nicht ändern.',
    'Participant Name': 'Name des Pools',
    'Participant ID': 'ID des Pools',
    'Process name': 'Prozessname',
    'Documentation': 'Dokumentation',
    'Element documentation': 'Beschreibung des Elements',
    'Process documentation': 'Beschreibung des Prozesses',
    'User assignment': 'Zuständigkeit',
    'Due date': 'Fälligkeit (camunda:dueDate)',
    'The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00).':
      'Ausdruck, der das Fälligkeitsdatum ergibt, z. B. add_duration(intake_date, deadlines[\'assessment\']).',
    'Timer': 'Zeitgeber',
    'Type': 'Art',
    'Value': 'Wert',
    'Date': 'Zeitpunkt (timeDate)',
    'Duration': 'Dauer (timeDuration)',
    'Cycle': 'Wiederholung (timeCycle)',
    '<none>': '<keine>',
    'A specific point in time defined as ISO 8601 combined date and time representation.':
      'Ein Zeitpunkt nach ISO 8601 (z. B. 2026-01-31T09:00:00) oder ein Ausdruck, der ein Datum ergibt.',
    'A time duration defined as ISO 8601 durations format.':
      'Eine Dauer nach ISO 8601, z. B. P14D (14 Tage) oder PT2H (2 Stunden).',
    'A cycle defined as ISO 8601 repeating intervals format.':
      'Wiederholung nach ISO 8601, z. B. R3/P1D (dreimal täglich).',
    'A cycle defined as ISO 8601 repeating intervals format, or a cron expression.':
      'Wiederholung nach ISO 8601, z. B. R3/P1D (dreimal täglich).',
    'Script': 'Skript',
    'Format': 'Sprache',
    'Script type': 'Skriptart',
    'Inline script': 'Skript im Diagramm',
    'External resource': 'Externe Datei',
    'Resource': 'Datei',
    'Condition': 'Bedingung',
    'Condition type': 'Art der Bedingung',
    'Condition expression': 'Bedingung (Ausdruck)',
    'Condition Expression': 'Bedingung (Ausdruck)',
    'Expression': 'Ausdruck',
    'Select an element to edit its properties.': 'Element auswählen, um seine Eigenschaften zu bearbeiten.',
    'Multiple elements are selected. Select a single element to edit its properties.':
      'Mehrere Elemente ausgewählt. Bitte nur ein Element auswählen, um es zu bearbeiten.',
    'ID must not be empty.': 'Die ID darf nicht leer sein.',
    'ID must be unique.': 'Die ID ist bereits vergeben.',
    'ID must not contain spaces.': 'Die ID darf keine Leerzeichen enthalten.',
    'ID must not contain prefix.': 'Die ID darf kein Präfix enthalten.',
    'ID must be a valid QName.': 'Die ID muss mit einem Buchstaben beginnen und darf nur Buchstaben, Ziffern, _ und - enthalten.',
    // palette
    'Activate hand tool': 'Hand-Werkzeug (verschieben)',
    'Activate lasso tool': 'Lasso-Werkzeug (auswählen)',
    'Activate create/remove space tool': 'Platz einfügen/entfernen',
    'Activate global connect tool': 'Verbinden',
    'Create start event': 'Startereignis anlegen',
    'Create intermediate/boundary event': 'Zwischenereignis anlegen',
    'Create end event': 'Endereignis anlegen',
    'Create gateway': 'Verzweigung anlegen',
    'Create task': 'Aufgabe anlegen',
    'Create data object reference': 'Datenobjekt anlegen',
    'Create data store reference': 'Datenspeicher anlegen',
    'Create expanded sub-process': 'Teilprozess anlegen',
    'Create pool/participant': 'Pool anlegen',
    'Create group': 'Gruppe anlegen',
    // context pad
    'Append task': 'Aufgabe anhängen',
    'Append end event': 'Endereignis anhängen',
    'Append gateway': 'Verzweigung anhängen',
    'Append intermediate/boundary event': 'Zwischenereignis anhängen',
    'Append timer intermediate catch event': 'Zeitgeber anhängen',
    'Append text annotation': 'Anmerkung anhängen',
    'Add text annotation': 'Anmerkung hinzufügen',
    'Add lane above': 'Spur oberhalb einfügen',
    'Add lane below': 'Spur unterhalb einfügen',
    'Divide into two lanes': 'In zwei Spuren teilen',
    'Divide into three lanes': 'In drei Spuren teilen',
    'Change element': 'Elementtyp ändern',
    'Change type': 'Typ ändern',
    'Connect to other element': 'Mit anderem Element verbinden',
    'Connect using association': 'Mit Assoziation verbinden',
    'Delete': 'Löschen',
    'Search in diagram': 'Im Diagramm suchen',
    // element type names (popup menu / replace)
    'User task': 'Benutzeraufgabe',
    'Script task': 'Skriptaufgabe',
    'Service task': 'Serviceaufgabe',
    'Start event': 'Startereignis',
    'End event': 'Endereignis',
    'Exclusive gateway': 'Exklusive Verzweigung',
    'Parallel gateway': 'Parallele Verzweigung',
    'Inclusive gateway': 'Inklusive Verzweigung',
    'Timer intermediate catch event': 'Zeitgeber-Zwischenereignis',
    'Timer boundary event': 'Zeitgeber am Rand',
    'Sequence flow': 'Sequenzfluss',
    'Default flow': 'Standardfluss',
    'Conditional flow': 'Bedingter Fluss',
    // properties panel header (type of the selected element)
    'Task': 'Aufgabe',
    'User Task': 'Benutzeraufgabe',
    'Script Task': 'Skriptaufgabe',
    'Service Task': 'Serviceaufgabe',
    'Start Event': 'Startereignis',
    'End Event': 'Endereignis',
    'Timer Start Event': 'Zeitgeber-Startereignis',
    'Timer Intermediate Catch Event': 'Zeitgeber-Zwischenereignis',
    'Timer Boundary Event': 'Zeitgeber am Rand',
    'Exclusive Gateway': 'Exklusive Verzweigung',
    'Parallel Gateway': 'Parallele Verzweigung',
    'Inclusive Gateway': 'Inklusive Verzweigung',
    'Sequence Flow': 'Sequenzfluss',
    'Conditional Flow': 'Bedingter Fluss',
    'Default Flow': 'Standardfluss',
    'Lane': 'Spur (Rolle)',
    'Participant': 'Pool',
    'Process': 'Prozess',
    'Collaboration': 'Zusammenarbeit',
    'Text Annotation': 'Anmerkung'
  };

  function translate(template, replacements) {
    var text = Object.prototype.hasOwnProperty.call(DE, template) ? DE[template] : template;
    return text.replace(/{([^}]+)}/g, function (match, key) {
      return replacements && Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : match;
    });
  }

  window.iflBpmnI18nDe = {
    module: { translate: ['value', translate] },
    translate: translate
  };
})();
