/*
 * Integraflow – the properties panel's builders: what a team lead chooses instead of typing expressions.
 *
 *   - Bedeutung (integraflow.* declarations as camunda:properties): process kind and startable, a user task's
 *     mandated step, phase and consent need, an end event's closure reason — German choices.
 *   - Zuständigkeit: the role as a dropdown with German role names (camunda:candidateGroups).
 *   - Frist: "N Tage/Wochen/Monate nach <Datumsfeld | Fallbeginn | Erledigung des vorigen Schritts>", written as
 *     add_duration(<field>, 'P<N><D|W|M>') into camunda:dueDate; an expert mode keeps any other expression.
 *   - Bedingung of a gateway's outgoing flow: field, operator, value, written as a Python comparison; expert mode
 *     for free expressions. The deploy check validates every expression with the restricted engine.
 *
 * Builder state lives entirely in the written expression (parsed back when the panel redraws), so undo, save and
 * reload always agree with what the panel shows. Load after integraflow-modeler.js; exposes window.iflBpmnBuilders.
 */
(function () {
  'use strict';

  var lib = window.IntegraflowModeler;
  if (!lib) {
    return;
  }
  var PREFIX = 'integraflow.';
  var ENGINE = ' engine'; // key of the app's own variables in `fields` (a form id never has a space)
  var UNITS = [{ value: 'D', label: 'Tage' }, { value: 'W', label: 'Wochen' }, { value: 'M', label: 'Monate' }];
  var DUE = /^\s*add_duration\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*['"]P(\d{1,4})([DWM])['"]\s*\)\s*$/;
  var COMPARE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/;
  var EMPTY = /^\s*not\s+([A-Za-z_][A-Za-z0-9_]*)\s*$/;
  var FILLED = /^\s*bool\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/;
  var OPERATORS = [
    { value: '==', label: 'ist gleich' }, { value: '!=', label: 'ist ungleich' },
    { value: '<', label: 'ist kleiner als' }, { value: '<=', label: 'ist höchstens' },
    { value: '>', label: 'ist größer als' }, { value: '>=', label: 'ist mindestens' },
    { value: 'empty', label: 'ist leer / nicht angehakt' }, { value: 'filled', label: 'ist ausgefüllt / angehakt' }
  ];
  // Elements whose mode the user switched to "expert" although the expression would fit the builder.
  var expertMode = {};

  // ---- reading and writing integraflow.* declarations -------------------------------------------------------

  function target(element) {
    var bo = lib.getBusinessObject(element);
    return lib.is(bo, 'bpmn:Participant') ? bo.get('processRef') : bo;
  }

  function declared(element, name) {
    var bo = target(element);
    var ext = bo && bo.get('extensionElements');
    var found = '';
    (ext ? ext.get('values') : []).forEach(function (value) {
      if (lib.is(value, 'camunda:Properties')) {
        (value.get('values') || []).forEach(function (prop) {
          if (prop.get('name') === PREFIX + name) {
            found = prop.get('value') || '';
          }
        });
      }
    });
    return found;
  }

  /** Set (or, with an empty value, remove) one declaration in a single undoable command. */
  function declare(element, name, value, bpmnFactory, modeling) {
    var bo = target(element);
    var ext = bo.get('extensionElements');
    var others = [];
    var props = [];
    (ext ? ext.get('values') : []).forEach(function (item) {
      if (!lib.is(item, 'camunda:Properties')) {
        others.push(item);
        return;
      }
      (item.get('values') || []).forEach(function (prop) {
        if (prop.get('name') !== PREFIX + name) {
          props.push(bpmnFactory.create('camunda:Property', { name: prop.get('name'), value: prop.get('value') }));
        }
      });
    });
    if (value) {
      props.push(bpmnFactory.create('camunda:Property', { name: PREFIX + name, value: value }));
    }
    var values = others.slice();
    if (props.length) {
      values.push(bpmnFactory.create('camunda:Properties', { values: props }));
    }
    var newExt = values.length ? bpmnFactory.create('bpmn:ExtensionElements', { values: values }) : undefined;
    modeling.updateModdleProperties(element, bo, { extensionElements: newExt });
  }

  function declarationSelect(id, label, name, options, description) {
    return function DeclarationSelect(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      var bpmnFactory = lib.useService('bpmnFactory');
      return lib.h(lib.SelectEntry, {
        element: element, id: id, label: label, description: description,
        getValue: function () { return declared(element, name); },
        setValue: function (value) { declare(element, name, value, bpmnFactory, modeling); },
        getOptions: function () { return options; }
      });
    };
  }

  function withNone(label, list) {
    return [{ value: '', label: label }].concat(list || []);
  }

  var YES_NO = [{ value: 'true', label: 'Ja' }, { value: 'false', label: 'Nein' }];

  function semanticsGroup(element, vocab) {
    var entries = [];
    if (lib.is(element, 'bpmn:Process') || lib.is(element, 'bpmn:Participant')) {
      entries.push({ id: 'iflKind', isEdited: lib.isSelectEntryEdited, component: declarationSelect('iflKind', 'Art des Prozesses', 'kind',
        withNone('– weiterer Ablauf (Standard) –', vocab.kinds),
        'Es gibt genau eine Klientenreise; alle anderen Prozesse sind weitere Abläufe eines Falls.') });
      entries.push({ id: 'iflStartable', isEdited: lib.isSelectEntryEdited, component: declarationSelect('iflStartable', 'Auf der Fallseite startbar',
        'startable', withNone('– ja (Standard) –', YES_NO),
        'Nein: der Ablauf startet nur als Aufrufaktivität eines anderen Prozesses.') });
    } else if (lib.is(element, 'bpmn:UserTask')) {
      entries.push({ id: 'iflStep', isEdited: lib.isSelectEntryEdited, component: declarationSelect('iflStep', 'Pflichtschritt', 'step',
        withNone('– keiner (eigener Schritt) –', vocab.steps),
        'Welchen vorgeschriebenen Schritt diese Aufgabe dokumentiert (Nachweis, Fristen, Berichte).') });
      entries.push({ id: 'iflPhase', isEdited: lib.isSelectEntryEdited, component: declarationSelect('iflPhase', 'Phase der Klientenreise', 'phase',
        withNone('– aus dem Pflichtschritt –', vocab.phases)) });
      entries.push({ id: 'iflConsent', isEdited: lib.isSelectEntryEdited, component: declarationSelect('iflConsent', 'Braucht die Einwilligung',
        'needs_consent', withNone('– wie der Pflichtschritt –', YES_NO),
        'Ja: die Aufgabe ist gesperrt, solange keine Einwilligung vorliegt.') });
    } else if (lib.is(element, 'bpmn:EndEvent')) {
      entries.push({ id: 'iflClosure', isEdited: lib.isSelectEntryEdited, component: declarationSelect('iflClosure', 'Abschlussgrund des Falls',
        'closure_reason', withNone('– keiner –', vocab.closure_reasons),
        'Endet die Klientenreise hier, wird der Fall mit diesem Grund abgeschlossen.') });
    }
    return entries.length ? { id: 'iflSemantics', label: 'Bedeutung für Integraflow', entries: entries } : null;
  }

  // ---- fields of the forms the diagram uses ------------------------------------------------------------------

  function diagramFields(elementRegistry, fields, kind) {
    var seen = {};
    var result = [];
    (fields[ENGINE] || []).forEach(function (field) {
      if (!kind && field.key !== 'step_completed_on') {
        seen[field.key] = true;
        result.push({ key: field.key, label: field.label, kind: field.kind, options: [] });
      }
    });
    elementRegistry.filter(function (el) { return lib.is(el, 'bpmn:UserTask'); }).forEach(function (el) {
      var formKey = lib.getBusinessObject(el).get('camunda:formKey');
      (fields[formKey] || []).forEach(function (field) {
        if (!seen[field.key] && (!kind || field.kind === kind)) {
          seen[field.key] = true;
          result.push({ key: field.key, label: field.label + ' (' + formKey + ')', kind: field.kind,
            options: field.options || [] });
        }
      });
    });
    return result;
  }

  /** A component that renders `component` only while `shown(element, elementRegistry)` holds. */
  function shownWhen(component, shown) {
    return function ShownWhen(props) {
      var elementRegistry = lib.useService('elementRegistry');
      return shown(props.element, elementRegistry) ? lib.h(component, props) : null;
    };
  }

  // ---- role and due date -------------------------------------------------------------------------------------

  function roleSelect(vocab) {
    return function RoleSelect(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      return lib.h(lib.SelectEntry, {
        element: element, id: 'iflRole', label: 'Rolle',
        description: 'Wer die Aufgabe in der Arbeitsliste sieht. Ohne Auswahl gilt die Rolle der Spur (Lane).',
        getValue: function () {
          return (lib.getBusinessObject(element).get('camunda:candidateGroups') || '').split(',')[0].trim();
        },
        setValue: function (value) {
          modeling.updateProperties(element, { 'camunda:candidateGroups': value || undefined });
        },
        getOptions: function () {
          var current = (lib.getBusinessObject(element).get('camunda:candidateGroups') || '').split(',')[0].trim();
          var options = withNone('– Rolle der Spur –', vocab.roles);
          if (current && !vocab.roles.some(function (r) { return r.value === current; })) {
            options.push({ value: current, label: current + ' (unbekannt)' });
          }
          return options;
        }
      });
    };
  }

  function dueOf(element) {
    return lib.getBusinessObject(element).get('camunda:dueDate') || '';
  }

  function dueMode(element) {
    var due = dueOf(element);
    if (!due.trim()) {
      return expertMode[element.id] === 'due' ? 'expert' : 'none';
    }
    return DUE.test(due) && expertMode[element.id] !== 'due' ? 'builder' : 'expert';
  }

  function dueParts(element) {
    var match = DUE.exec(dueOf(element));
    return match ? { ref: match[1], n: match[2], unit: match[3] } : { ref: 'step_completed_on', n: '14', unit: 'D' };
  }

  function writeDue(modeling, element, parts) {
    var n = String(parseInt(parts.n, 10) || 1);
    modeling.updateProperties(element, {
      'camunda:dueDate': 'add_duration(' + parts.ref + ", 'P" + n + parts.unit + "')"
    });
  }

  function DueModeSelect(props) {
    var element = props.element;
    var modeling = lib.useService('modeling');
    return lib.h(lib.SelectEntry, {
      element: element, id: 'iflDueMode', label: 'Frist',
      getValue: function () { return dueMode(element); },
      setValue: function (mode) {
        delete expertMode[element.id];
        if (mode === 'none') {
          modeling.updateProperties(element, { 'camunda:dueDate': undefined });
        } else if (mode === 'builder') {
          writeDue(modeling, element, dueParts(element));
        } else {
          expertMode[element.id] = 'due';
          modeling.updateProperties(element, { 'camunda:dueDate': dueOf(element) || undefined });
        }
      },
      getOptions: function () {
        return [{ value: 'none', label: 'keine Frist' }, { value: 'builder', label: 'N Tage/Wochen/Monate nach …' },
          { value: 'expert', label: 'Eigener Ausdruck (Expertenmodus)' }];
      }
    });
  }

  function DueCount(props) {
    var element = props.element;
    var modeling = lib.useService('modeling');
    var debounce = lib.useService('debounceInput');
    return lib.h(lib.TextFieldEntry, {
      element: element, id: 'iflDueCount', label: 'Anzahl', debounce: debounce,
      validate: function (value) {
        return /^\s*\d{1,4}\s*$/.test(value || '') && parseInt(value, 10) > 0 ? null : 'Bitte eine Zahl ab 1 eingeben.';
      },
      getValue: function () { return dueParts(element).n; },
      setValue: function (value) {
        if (/^\s*\d{1,4}\s*$/.test(value || '') && parseInt(value, 10) > 0) {
          var parts = dueParts(element);
          parts.n = value.trim();
          writeDue(modeling, element, parts);
        }
      }
    });
  }

  function DueUnit(props) {
    var element = props.element;
    var modeling = lib.useService('modeling');
    return lib.h(lib.SelectEntry, {
      element: element, id: 'iflDueUnit', label: 'Einheit',
      getValue: function () { return dueParts(element).unit; },
      setValue: function (value) {
        var parts = dueParts(element);
        parts.unit = value;
        writeDue(modeling, element, parts);
      },
      getOptions: function () { return UNITS; }
    });
  }

  function dueReference(fields) {
    return function DueReference(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      var elementRegistry = lib.useService('elementRegistry');
      return lib.h(lib.SelectEntry, {
        element: element, id: 'iflDueRef', label: 'nach',
        getValue: function () { return dueParts(element).ref; },
        setValue: function (value) {
          var parts = dueParts(element);
          parts.ref = value;
          writeDue(modeling, element, parts);
        },
        getOptions: function () {
          var options = [{ value: 'step_completed_on', label: 'Erledigung des vorigen Schritts' },
            { value: 'intake_date', label: 'Fallbeginn (Erstaufnahme)' }];
          diagramFields(elementRegistry, fields, 'date').forEach(function (field) {
            options.push({ value: field.key, label: 'Datumsfeld: ' + field.label });
          });
          var current = dueParts(element).ref;
          if (!options.some(function (o) { return o.value === current; })) {
            options.push({ value: current, label: current + ' (Feld nicht gefunden)' });
          }
          return options;
        }
      });
    };
  }

  function DueExpression(props) {
    var element = props.element;
    var modeling = lib.useService('modeling');
    var debounce = lib.useService('debounceInput');
    return lib.h(lib.TextFieldEntry, {
      element: element, id: 'iflDueExpression', label: 'Fälligkeitsausdruck', debounce: debounce,
      description: "Python-Ausdruck, z. B. add_duration(intake_date, deadlines['assessment']) oder ein Feldname " +
        'mit einem Datum. Die Prüfung meldet unbekannte Namen.',
      getValue: function () { return dueOf(element); },
      setValue: function (value) {
        modeling.updateProperties(element, { 'camunda:dueDate': (value || '').trim() || undefined });
      }
    });
  }

  function assignmentGroup(element, vocab, fields) {
    if (!lib.is(element, 'bpmn:UserTask') && !lib.is(element, 'bpmn:ManualTask')) {
      return null;
    }
    var entries = [{ id: 'iflRole', component: roleSelect(vocab), isEdited: lib.isSelectEntryEdited }];
    if (lib.is(element, 'bpmn:UserTask')) {
      // All listed, each shown by the mode at render time (see conditionEntries).
      var builder = function (el) { return dueMode(el) === 'builder'; };
      entries.push({ id: 'iflDueMode', component: DueModeSelect, isEdited: lib.isSelectEntryEdited });
      entries.push({ id: 'iflDueCount', component: shownWhen(DueCount, builder),
        isEdited: lib.isTextFieldEntryEdited });
      entries.push({ id: 'iflDueUnit', component: shownWhen(DueUnit, builder), isEdited: lib.isSelectEntryEdited });
      entries.push({ id: 'iflDueRef', component: shownWhen(dueReference(fields), builder),
        isEdited: lib.isSelectEntryEdited });
      entries.push({ id: 'iflDueExpression', isEdited: lib.isTextFieldEntryEdited,
        component: shownWhen(DueExpression, function (el) { return dueMode(el) === 'expert'; }) });
    }
    return { id: 'iflAssignment', label: 'Zuständigkeit und Frist', entries: entries };
  }

  // ---- gateway conditions --------------------------------------------------------------------------------------

  function conditionOf(element) {
    var expression = lib.getBusinessObject(element).get('conditionExpression');
    return expression ? (expression.get('body') || '') : '';
  }

  /** The builder's reading of an expression: {field, op, value} or null (then only expert mode shows it). */
  function parseCondition(text) {
    var match = EMPTY.exec(text);
    if (match) {
      return { field: match[1], op: 'empty', value: '' };
    }
    match = FILLED.exec(text);
    if (match) {
      return { field: match[1], op: 'filled', value: '' };
    }
    match = COMPARE.exec(text);
    if (!match) {
      return null;
    }
    var literal = match[3];
    var value;
    if (/^'([^'\\]|\\.)*'$/.test(literal) || /^"([^"\\]|\\.)*"$/.test(literal)) {
      value = literal.slice(1, -1).replace(/\\(.)/g, '$1');
    } else if (/^-?\d+(\.\d+)?$/.test(literal) || literal === 'True' || literal === 'False') {
      value = literal;
    } else {
      return null;
    }
    return { field: match[1], op: match[2], value: value };
  }

  function literalFor(kind, value) {
    var text = String(value === undefined || value === null ? '' : value);
    if (kind === 'number' && /^-?\d+(\.\d+)?$/.test(text.trim())) {
      return text.trim();
    }
    if (kind === 'boolean') {
      return /^(true|ja|1)$/i.test(text.trim()) || text === 'True' ? 'True' : 'False';
    }
    return "'" + text.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
  }

  function writeCondition(element, body, bpmnFactory, modeling) {
    var expression = body ? bpmnFactory.create('bpmn:FormalExpression', { body: body }) : undefined;
    modeling.updateProperties(element, { conditionExpression: expression });
  }

  function conditionMode(element) {
    var text = conditionOf(element);
    if (!text.trim()) {
      return expertMode[element.id] === 'condition' ? 'expert' : 'none';
    }
    return parseCondition(text) && expertMode[element.id] !== 'condition' ? 'builder' : 'expert';
  }

  function conditionParts(element, fieldsOf) {
    var parts = parseCondition(conditionOf(element));
    if (parts) {
      return parts;
    }
    var first = fieldsOf()[0];
    return { field: first ? first.key : 'feld', op: '==', value: '' };
  }

  function buildCondition(parts, fieldsOf) {
    if (parts.op === 'empty') {
      return 'not ' + parts.field;
    }
    if (parts.op === 'filled') {
      return 'bool(' + parts.field + ')';
    }
    var field = fieldsOf().filter(function (f) { return f.key === parts.field; })[0];
    return parts.field + ' ' + parts.op + ' ' + literalFor(field ? field.kind : 'text', parts.value);
  }

  function conditionEntries(fields) {
    function fieldsOf(elementRegistry) {
      return function () { return diagramFields(elementRegistry, fields); };
    }

    function ModeSelect(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      var bpmnFactory = lib.useService('bpmnFactory');
      var list = fieldsOf(lib.useService('elementRegistry'));
      return lib.h(lib.SelectEntry, {
        element: element, id: 'iflConditionMode', label: 'Bedingung',
        description: 'Der Fluss wird genommen, wenn die Bedingung zutrifft. Ohne Bedingung: Standardfluss ' +
          '(im Kontextmenü des Flusses) oder immer.',
        getValue: function () { return conditionMode(element); },
        setValue: function (mode) {
          delete expertMode[element.id];
          if (mode === 'none') {
            writeCondition(element, '', bpmnFactory, modeling);
          } else if (mode === 'builder') {
            writeCondition(element, buildCondition(conditionParts(element, list), list), bpmnFactory, modeling);
          } else {
            expertMode[element.id] = 'condition';
            writeCondition(element, conditionOf(element), bpmnFactory, modeling);
          }
        },
        getOptions: function () {
          return [{ value: 'none', label: 'keine Bedingung' }, { value: 'builder', label: 'Feldvergleich' },
            { value: 'expert', label: 'Eigener Ausdruck (Expertenmodus)' }];
        }
      });
    }

    function partSelect(id, label, part, optionsFor) {
      return function PartSelect(props) {
        var element = props.element;
        var modeling = lib.useService('modeling');
        var bpmnFactory = lib.useService('bpmnFactory');
        var list = fieldsOf(lib.useService('elementRegistry'));
        return lib.h(lib.SelectEntry, {
          element: element, id: id, label: label,
          getValue: function () { return conditionParts(element, list)[part]; },
          setValue: function (value) {
            var parts = conditionParts(element, list);
            parts[part] = value;
            if (part === 'field') {
              parts.value = '';
            }
            writeCondition(element, buildCondition(parts, list), bpmnFactory, modeling);
          },
          getOptions: function () { return optionsFor(conditionParts(element, list), list()); }
        });
      };
    }

    var FieldSelect = partSelect('iflConditionField', 'Feld', 'field', function (parts, list) {
      var options = list.map(function (f) { return { value: f.key, label: f.label }; });
      if (!list.some(function (f) { return f.key === parts.field; })) {
        options.unshift({ value: parts.field, label: parts.field + ' (in keinem Formular des Prozesses)' });
      }
      return options;
    });
    var OperatorSelect = partSelect('iflConditionOperator', 'Vergleich', 'op', function () { return OPERATORS; });
    var ValueSelect = partSelect('iflConditionChoice', 'Wert', 'value', function (parts, list) {
      var field = list.filter(function (f) { return f.key === parts.field; })[0];
      var options = [{ value: '', label: '– bitte wählen –' }];
      if (field && field.kind === 'boolean') {
        return options.concat([{ value: 'True', label: 'ja / angehakt' }, { value: 'False', label: 'nein / nicht angehakt' }]);
      }
      (field ? field.options : []).forEach(function (o) { options.push({ value: String(o.value), label: o.label }); });
      return options;
    });

    function ValueText(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      var bpmnFactory = lib.useService('bpmnFactory');
      var debounce = lib.useService('debounceInput');
      var list = fieldsOf(lib.useService('elementRegistry'));
      return lib.h(lib.TextFieldEntry, {
        element: element, id: 'iflConditionValue', label: 'Wert', debounce: debounce,
        description: 'Text ohne Anführungszeichen; Zahlen wie 3 oder 2.5; ein Datum als JJJJ-MM-TT.',
        getValue: function () { return conditionParts(element, list).value; },
        setValue: function (value) {
          var parts = conditionParts(element, list);
          parts.value = value || '';
          writeCondition(element, buildCondition(parts, list), bpmnFactory, modeling);
        }
      });
    }

    function ExpertText(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      var bpmnFactory = lib.useService('bpmnFactory');
      var debounce = lib.useService('debounceInput');
      return lib.h(lib.TextFieldEntry, {
        element: element, id: 'iflConditionExpression', label: 'Ausdruck', debounce: debounce,
        description: "Python-Ausdruck über die Formularfelder, z. B. eligible == 'yes' and len(members) > 2.",
        getValue: function () { return conditionOf(element); },
        setValue: function (value) { writeCondition(element, (value || '').trim(), bpmnFactory, modeling); }
      });
    }

    // Every entry is always listed and decides at render time whether it shows: the panel redraws an entry whenever
    // its element changes, but may reuse an earlier list of entries, so the list must not depend on the mode.
    function builderPart(element, elementRegistry) {
      var list = diagramFields(elementRegistry, fields);
      var parts = conditionParts(element, function () { return list; });
      var field = list.filter(function (f) { return f.key === parts.field; })[0];
      var valued = parts.op !== 'empty' && parts.op !== 'filled';
      var choice = !!(field && (field.kind === 'boolean' || (field.options && field.options.length)));
      return { builder: conditionMode(element) === 'builder', valued: valued, choice: choice };
    }
    var FieldShown = shownWhen(FieldSelect, function (el, reg) { return builderPart(el, reg).builder; });
    var OperatorShown = shownWhen(OperatorSelect, function (el, reg) { return builderPart(el, reg).builder; });
    var ChoiceShown = shownWhen(ValueSelect, function (el, reg) {
      var part = builderPart(el, reg);
      return part.builder && part.valued && part.choice;
    });
    var TextShown = shownWhen(ValueText, function (el, reg) {
      var part = builderPart(el, reg);
      return part.builder && part.valued && !part.choice;
    });
    var ExpertShown = shownWhen(ExpertText, function (el) { return conditionMode(el) === 'expert'; });

    return function () {
      return [
        { id: 'iflConditionMode', component: ModeSelect, isEdited: lib.isSelectEntryEdited },
        { id: 'iflConditionField', component: FieldShown, isEdited: lib.isSelectEntryEdited },
        { id: 'iflConditionOperator', component: OperatorShown, isEdited: lib.isSelectEntryEdited },
        { id: 'iflConditionChoice', component: ChoiceShown, isEdited: lib.isSelectEntryEdited },
        { id: 'iflConditionValue', component: TextShown, isEdited: lib.isTextFieldEntryEdited },
        { id: 'iflConditionExpression', component: ExpertShown, isEdited: lib.isTextFieldEntryEdited }
      ];
    };
  }

  /** Whether a sequence flow may carry a condition our engine evaluates (out of an exclusive/inclusive gateway). */
  function conditional(element) {
    if (!lib.is(element, 'bpmn:SequenceFlow')) {
      return false;
    }
    var source = lib.getBusinessObject(element).get('sourceRef');
    return lib.is(source, 'bpmn:ExclusiveGateway') || lib.is(source, 'bpmn:InclusiveGateway');
  }

  function conditionGroup(element, fields, elementRegistry, build) {
    if (!conditional(element)) {
      return null;
    }
    return { id: 'iflCondition', label: 'Bedingung', entries: build() };
  }

  window.iflBpmnBuilders = {
    /** The builders' groups for one element, given the vocabulary and form fields from the page. */
    groups: function (vocab, fields) {
      fields[ENGINE] = vocab.variables || [];
      var build = conditionEntries(fields);
      return function (element, elementRegistry) {
        return [semanticsGroup(element, vocab), assignmentGroup(element, vocab, fields),
          conditionGroup(element, fields, elementRegistry, build)].filter(function (g) { return g !== null; });
      };
    },
    parseCondition: parseCondition,
    declared: declared
  };
})();
