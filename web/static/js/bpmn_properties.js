/*
 * Integraflow – what the BPMN properties panel offers: only the properties our engine reads.
 *
 * The Camunda Platform provider offers dozens of groups (external tasks, async continuations, listeners,
 * input/output mappings, history cleanup, …) that SpiffWorkflow ignores here; showing them would invite edits that
 * do nothing. This provider runs after the bpmn and Camunda providers and keeps:
 *   general (name, id; process id/name), documentation, timer (timeDate/timeDuration/timeCycle),
 *   the form of a user task (camunda:formKey, typed or chosen from the known forms), script (format, script);
 *   and adds the builders of bpmn_builders.js (meaning for Integraflow, role and due date, gateway conditions)
 *   in place of Camunda's user assignment and condition groups.
 * A lane's name is its role (edited in "general", with a hint saying which names the engine knows).
 *
 * Load after vendor/bpmn-modeler-bundle/integraflow-modeler.js and bpmn_builders.js; exposes
 * window.iflBpmnProperties.module(forms, vocabulary, fields).
 */
(function () {
  'use strict';

  var lib = window.IntegraflowModeler;
  if (!lib) {
    return;
  }

  // group id -> entry ids kept (null: all entries of the group).
  var KEEP = {
    'general': ['name', 'id', 'processId', 'processName'],
    'documentation': null,
    'timer': null,
    'CamundaPlatform__Form': null,
    'CamundaPlatform__Script': ['scriptFormat', 'scriptType', 'scriptValue']
  };
  var FILTER_PRIORITY = 100; // lower than the bpmn (1000) and Camunda (500) providers: runs after them

  function FormKeyText(props) {
    var element = props.element;
    var modeling = lib.useService('modeling');
    var debounce = lib.useService('debounceInput');
    return lib.h(lib.TextFieldEntry, {
      element: element,
      id: 'iflFormKey',
      label: 'Formularschlüssel',
      description: 'Name des Formulars (camunda:formKey), z. B. „intake“.',
      debounce: debounce,
      getValue: function () {
        return lib.getBusinessObject(element).get('camunda:formKey') || '';
      },
      setValue: function (value) {
        modeling.updateProperties(element, { 'camunda:formKey': (value || '').trim() || undefined });
      }
    });
  }

  function LaneRoleHint() {
    return lib.h('div', { class: 'bio-properties-panel-entry ifl-lane-hint' },
      lib.h('p', { class: 'bio-properties-panel-description' },
        'Der Name der Spur bestimmt die Rolle ihrer Aufgaben: „Integrationsmanagement“ oder „Fallbearbeitung“ → ' +
        'Fallbearbeitung (caseworker), „Teamleitung“ oder „Stabsstelle“ → Teamleitung (supervisor).'));
  }

  function formKeyChoice(forms) {
    return function FormKeyChoice(props) {
      var element = props.element;
      var modeling = lib.useService('modeling');
      return lib.h(lib.SelectEntry, {
        element: element,
        id: 'iflFormKeyChoice',
        label: 'Bekanntes Formular wählen',
        getValue: function () {
          return lib.getBusinessObject(element).get('camunda:formKey') || '';
        },
        setValue: function (value) {
          modeling.updateProperties(element, { 'camunda:formKey': value || undefined });
        },
        getOptions: function () {
          var current = lib.getBusinessObject(element).get('camunda:formKey') || '';
          var options = [{ value: '', label: '– kein Formular –' }];
          forms.forEach(function (name) {
            options.push({ value: name, label: name });
          });
          if (current && forms.indexOf(current) === -1) {
            options.push({ value: current, label: current + ' (unbekannt)' });
          }
          return options;
        }
      });
    };
  }

  function formEntries(forms) {
    var entries = [{ id: 'iflFormKey', component: FormKeyText, isEdited: lib.isTextFieldEntryEdited }];
    if (forms.length) {
      entries.push({ id: 'iflFormKeyChoice', component: formKeyChoice(forms), isEdited: lib.isSelectEntryEdited });
    }
    return entries;
  }

  function keepGroup(group, element, forms) {
    if (!Object.prototype.hasOwnProperty.call(KEEP, group.id)) {
      return null;
    }
    if (group.id === 'CamundaPlatform__Form') {
      // Only user tasks have a form in our engine; its form key is the whole story (no form types).
      if (!lib.is(element, 'bpmn:UserTask')) {
        return null;
      }
      group.label = 'Formular';
      group.entries = formEntries(forms);
      return group;
    }
    var keptEntries = KEEP[group.id];
    if (keptEntries && group.entries) {
      group.entries = group.entries.filter(function (entry) {
        return keptEntries.indexOf(entry.id) !== -1;
      });
    }
    if (group.id === 'general' && lib.is(element, 'bpmn:Lane')) {
      group.entries = group.entries.concat([{ id: 'iflLaneRoleHint', component: LaneRoleHint }]);
    }
    return group.entries && group.entries.length ? group : null;
  }

  function makeModule(forms, vocabulary, fields) {
    var builders = window.iflBpmnBuilders ? window.iflBpmnBuilders.groups(vocabulary, fields) : null;

    function IntegraflowPropertiesFilter(propertiesPanel, elementRegistry) {
      propertiesPanel.registerProvider(FILTER_PRIORITY, this);
      this._elementRegistry = elementRegistry;
    }
    IntegraflowPropertiesFilter.$inject = ['propertiesPanel', 'elementRegistry'];
    IntegraflowPropertiesFilter.prototype.getGroups = function (element) {
      var elementRegistry = this._elementRegistry;
      return function (groups) {
        var kept = groups
          .map(function (group) { return keepGroup(group, element, forms); })
          .filter(function (group) { return group !== null; });
        if (!builders) {
          return kept;
        }
        // Right after "general", what a team lead decides first about an element: its form, then our builders.
        var form = kept.filter(function (group) { return group.id === 'CamundaPlatform__Form'; });
        kept = kept.filter(function (group) { return group.id !== 'CamundaPlatform__Form'; });
        var generalAt = kept.findIndex(function (group) { return group.id === 'general'; });
        kept.splice.apply(kept, [generalAt + 1, 0].concat(form, builders(element, elementRegistry)));
        return kept;
      };
    };
    return {
      __init__: ['integraflowPropertiesFilter'],
      integraflowPropertiesFilter: ['type', IntegraflowPropertiesFilter]
    };
  }

  window.iflBpmnProperties = {
    /** A bpmn-js module filtering the properties panel; forms: known form keys for the dropdown; vocabulary and
     *  fields: the builders' German choices and each form's fields (see web/definitions/creation.py). */
    module: function (forms, vocabulary, fields) {
      var vocab = vocabulary && typeof vocabulary === 'object' ? vocabulary : {};
      ['roles', 'steps', 'phases', 'closure_reasons', 'kinds'].forEach(function (name) {
        vocab[name] = Array.isArray(vocab[name]) ? vocab[name] : [];
      });
      return makeModule((forms || []).filter(function (name) { return typeof name === 'string' && name; }), vocab,
        fields && typeof fields === 'object' ? fields : {});
    }
  };
})();
