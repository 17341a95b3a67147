// Entry of web/static/vendor/form-js/integraflow-form-js.js (built by scripts/vendor_static.sh).
//
// @bpmn-io/form-js ships two separate UMD builds (editor and viewer, 2.9 MB + 1.3 MB unminified, each with its own
// copy of the viewer); one minified esbuild bundle of the editor and the viewer is a fraction of that and exposes
// both under the global `IntegraflowFormJs`.
import { FormEditor } from '@bpmn-io/form-js-editor';
import { Form } from '@bpmn-io/form-js-viewer';

export { Form, FormEditor };
