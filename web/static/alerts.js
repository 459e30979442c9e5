// New-order alerts on the dashboard: a short sound and a browser notification when the websocket
// brings a new order. Off until the merchant turns them on with the button (a click, so the
// browser lets us ask for notification permission and play sound); the choice is kept per
// browser in localStorage. Order details never go into the notification as markup: text only.
(function () {
  'use strict';
  // UI strings come from the page (<body data-i18n>, web/views/layout.tsx): no text is hard-coded here.
  var STR = (function () { try { return JSON.parse(document.body.dataset.i18n || '{}'); } catch { return {}; } })();
  function s(key, vars) { var v = STR[key] || key; Object.keys(vars || {}).forEach(function (k) { v = v.replace('{' + k + '}', vars[k]); }); return v; }
  var KEY = 'novi.orderAlerts';
  var button = document.getElementById('order-alerts');
  if (!button) return;
  var audio = null;
  var storage = window.localStorage;
  var Notice = window.Notification;

  function enabled() { try { return storage.getItem(KEY) === 'on'; } catch { return false; } }
  function show() {
    var on = enabled();
    button.dataset.alerts = on ? 'on' : 'off';
    button.setAttribute('aria-pressed', on ? 'true' : 'false');
    button.textContent = on ? s('dash.alertsOn') : s('dash.alertsOff');
  }

  function beep() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
      return true;
    } catch { return false; }
  }

  button.addEventListener('click', function () {
    var on = !enabled();
    try { storage.setItem(KEY, on ? 'on' : 'off'); } catch { /* private mode: this page only */ }
    // Asked once, on this click; a browser that was answered before does not ask again.
    if (on && Notice && Notice.permission === 'default') Notice.requestPermission();
    if (on) beep(); // unlocks audio for later alerts
    show();
  });

  document.addEventListener('htmx:wsAfterMessage', function (e) {
    var html = e.detail && typeof e.detail.message === 'string' ? e.detail.message : '';
    if (html.indexOf('id="recent-orders" hx-swap-oob="afterbegin"') < 0 || !enabled()) return;
    // A <tbody> parses only inside a <table>: take the recent-orders fragment and wrap it.
    var start = html.indexOf('<tbody id="recent-orders"');
    var end = html.indexOf('</tbody>', start);
    var doc = new window.DOMParser().parseFromString('<table>' + html.slice(start, end < 0 ? undefined : end + 8) + '</table>', 'text/html');
    var row = doc.querySelector('#recent-orders tr');
    var text = row ? row.textContent.replace(/\s+/g, ' ').trim().slice(0, 140) : s('dash.newOrder');
    var sounded = beep();
    var notified = false;
    if (Notice && Notice.permission === 'granted') {
      try { new Notice(s('dash.newOrder'), { body: text, tag: 'novi-order' }); notified = true; } catch { notified = false; }
    }
    document.body.dataset.lastAlert = text;
    document.body.dataset.alertSound = sounded ? 'played' : 'failed';
    document.body.dataset.alertNotification = notified ? 'shown' : 'not-allowed';
  });
  show();
})();
