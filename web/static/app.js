// Novi's only page script besides htmx: CSRF header on htmx requests, small form niceties.
(function () {
  'use strict';
  function token() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }
  document.addEventListener('htmx:configRequest', function (e) {
    e.detail.headers['X-CSRF-Token'] = token();
  });
  // Clear the simulator message box after a successful send.
  document.addEventListener('htmx:afterRequest', function (e) {
    var form = e.detail.elt;
    if (e.detail.successful && form && form.id === 'try-it-form') {
      var box = form.querySelector('textarea');
      if (box) box.value = '';
    }
  });
  // Live-update marker for tests and for people: the socket is connected.
  document.addEventListener('htmx:wsOpen', function () { document.body.dataset.live = 'on'; });
  document.addEventListener('htmx:wsClose', function () { document.body.dataset.live = 'off'; });
})();
