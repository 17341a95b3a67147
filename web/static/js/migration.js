/* Impact preview: "alle migrierbaren auswählen" ticks every migratable case on the page. */
(function () {
  'use strict';
  var all = document.querySelector('[data-select-migratable]');
  if (!all) {
    return;
  }
  var boxes = document.querySelectorAll('input[data-migratable]');
  all.addEventListener('change', function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) {
    box.addEventListener('change', function () {
      var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
      all.checked = ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  });
}());
