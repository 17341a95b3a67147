// Entry of web/static/vendor/bpmn-modeler-bundle/integraflow-modeler.js (built by scripts/vendor_static.sh).
//
// bpmn-js-properties-panel, @bpmn-io/properties-panel and camunda-bpmn-js-behaviors ship only ES modules, so they
// are bundled with esbuild into one IIFE exposing the global `IntegraflowModeler`. bpmn-js's Modeler is bundled
// from source into the SAME file (not the prebuilt bpmn-modeler.production.min.js): the properties panel hooks
// into the modeler's dependency-injection modules, and two copies of diagram-js (one in the prebuilt modeler, one
// pulled in by the panel) would not share them. Our own code (web/static/js/bpmn_modeler.js) uses only what is
// exported here.
import Modeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
  useService
} from 'bpmn-js-properties-panel';
import {
  SelectEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextFieldEntryEdited
} from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';

export {
  Modeler,
  NavigatedViewer,
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
  CamundaBehaviorsModule,
  camundaModdle,
  getBusinessObject,
  is,
  h,
  useService,
  SelectEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextFieldEntryEdited
};
