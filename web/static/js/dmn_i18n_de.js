/*
 * Integraflow – German labels for the decision-table editor (dmn-js).
 *
 * dmn-js passes its labels through the `translate` service, like bpmn-js; this module replaces it. Labels without
 * a German entry stay English. Exposes window.iflDmnI18nDe.module; load before dmn_editor.js.
 */
(function () {
  'use strict';

  var DE = {
    'When': 'Wenn', 'And': 'Und', 'Then': 'Dann', 'Annotations': 'Anmerkungen', 'Annotation': 'Anmerkung',
    'Hit policy': 'Trefferrichtlinie', 'Hit policy:': 'Trefferrichtlinie:', 'View DRD': 'Entscheidungsdiagramm',
    'Unique': 'Eindeutig (UNIQUE)', 'First': 'Erste (FIRST)', 'Priority': 'Priorität (PRIORITY)',
    'Any': 'Beliebig (ANY)', 'Collect': 'Sammeln (COLLECT)', 'Rule order': 'Regelreihenfolge (RULE ORDER)',
    'Output order': 'Ausgabereihenfolge (OUTPUT ORDER)',
    'Add rule': 'Regel hinzufügen', 'Add rule above': 'Regel darüber einfügen',
    'Add rule below': 'Regel darunter einfügen', 'Remove rule': 'Regel entfernen', 'Copy rule': 'Regel kopieren',
    'Cut rule': 'Regel ausschneiden', 'Paste rule above': 'Regel darüber einfügen (Zwischenablage)',
    'Paste rule below': 'Regel darunter einfügen (Zwischenablage)', 'Move rule': 'Regel verschieben',
    'Add input': 'Eingabe hinzufügen', 'Add output': 'Ausgabe hinzufügen',
    'Add input column left': 'Eingabespalte links einfügen', 'Add input column right': 'Eingabespalte rechts einfügen',
    'Add output column left': 'Ausgabespalte links einfügen',
    'Add output column right': 'Ausgabespalte rechts einfügen',
    'Remove input column': 'Eingabespalte entfernen', 'Remove output column': 'Ausgabespalte entfernen',
    'Copy input column': 'Eingabespalte kopieren', 'Copy output column': 'Ausgabespalte kopieren',
    'Cut input column': 'Eingabespalte ausschneiden', 'Cut output column': 'Ausgabespalte ausschneiden',
    'Paste input column left': 'Eingabespalte links einfügen (Zwischenablage)',
    'Paste input column right': 'Eingabespalte rechts einfügen (Zwischenablage)',
    'Paste output column left': 'Ausgabespalte links einfügen (Zwischenablage)',
    'Paste output column right': 'Ausgabespalte rechts einfügen (Zwischenablage)',
    'Add cell description': 'Beschreibung der Zelle hinzufügen',
    'Remove cell description': 'Beschreibung der Zelle entfernen',
    'Edit input': 'Eingabe bearbeiten', 'Edit output': 'Ausgabe bearbeiten', 'Edit': 'Bearbeiten',
    'Input': 'Eingabe', 'Output': 'Ausgabe', 'Input label': 'Bezeichnung der Eingabe',
    'Input label: ': 'Bezeichnung der Eingabe: ', 'Input expression': 'Eingabeausdruck',
    'Input expression: ': 'Eingabeausdruck: ', 'Input type': 'Eingabetyp', 'Input values': 'Eingabewerte',
    'Output label': 'Bezeichnung der Ausgabe', 'Output label: ': 'Bezeichnung der Ausgabe: ',
    'Output name': 'Name der Ausgabe (Feld)', 'Output name: ': 'Name der Ausgabe (Feld): ',
    'Output type': 'Ausgabetyp', 'Output values': 'Ausgabewerte',
    'Expression': 'Ausdruck', 'Expression language': 'Ausdruckssprache',
    'Expression language:': 'Ausdruckssprache:', 'Enter expression': 'Ausdruck eingeben',
    'Change cell expression language': 'Ausdruckssprache der Zelle ändern',
    'Editing not supported for set expression language':
      'Bearbeiten wird für diese Ausdruckssprache nicht unterstützt',
    'Type': 'Typ', 'Value': 'Wert', 'Values': 'Werte', 'Set value': 'Wert setzen', 'No values': 'Keine Werte',
    'Predefined values': 'Vorgegebene Werte', 'Add predefined values': 'Vorgegebene Werte hinzufügen',
    'Clear predefined values': 'Vorgegebene Werte entfernen', 'Add values': 'Werte hinzufügen',
    'Custom values': 'Eigene Werte', 'Strings must be in double quotes': 'Texte stehen in doppelten Anführungszeichen',
    'Match one': 'Einer davon', 'Match none': 'Keiner davon', 'Include': 'Einschließen', 'Exclude': 'Ausschließen',
    'Comparison': 'Vergleich', 'Comparison operator': 'Vergleichsoperator', 'Range': 'Bereich',
    'Equals': 'Gleich', 'Less': 'Kleiner', 'Less or equals': 'Kleiner oder gleich', 'Greater': 'Größer',
    'Greater or equals': 'Größer oder gleich', 'Between': 'Zwischen', 'Before': 'Vor', 'After': 'Nach',
    'Exactly': 'Genau', 'Yes': 'Ja', 'No': 'Nein', 'Boolean value': 'Wahrheitswert', 'String value': 'Textwert',
    'Date': 'Datum', 'Time': 'Uhrzeit', 'Date value': 'Datumswert', 'Use today': 'Heute verwenden',
    'Use now': 'Jetzt verwenden', 'Decision name': 'Name der Entscheidung',
    'Decision name: ': 'Name der Entscheidung: ', 'Definition name': 'Name der Definition',
    'Definition ID': 'ID der Definition', 'Variable name': 'Variablenname', 'Variable name:': 'Variablenname:',
    'Variable type': 'Variablentyp', 'Variable type:': 'Variablentyp:', 'Literal expression': 'Literaler Ausdruck',
    'Search in diagram': 'Im Diagramm suchen', 'Resize': 'Größe ändern'
  };

  function translate(template, replacements) {
    var text = Object.prototype.hasOwnProperty.call(DE, template) ? DE[template] : template;
    return text.replace(/{([^}]+)}/g, function (match, key) {
      return replacements && Object.prototype.hasOwnProperty.call(replacements, key) ? replacements[key] : match;
    });
  }

  window.iflDmnI18nDe = {
    module: { translate: ['value', translate] },
    translate: translate
  };
})();
