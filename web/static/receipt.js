// The receipt page's print button (no inline script: the CSP allows only files from 'self').
(function () {
  'use strict';
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (t && t.closest && t.closest('[data-print]')) window.print();
  });
})();
