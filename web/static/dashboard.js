// Draws the dashboard charts with uPlot from the JSON in #charts[data-analytics], and
// redraws them from /api/dashboard/analytics when the websocket brings news.
(function () {
  'use strict';
  // UI strings come from the page (<body data-i18n>, web/views/layout.tsx): no text is hard-coded here.
  var STR = (function () { try { return JSON.parse(document.body.dataset.i18n || '{}'); } catch { return {}; } })();
  function s(key, vars) { var v = STR[key] || key; Object.keys(vars || {}).forEach(function (k) { v = v.replace('{' + k + '}', vars[k]); }); return v; }
  var plots = [];

  function width(el) { return Math.max(260, el.clientWidth || 300); }

  function bars(u, seriesIdx, idx0, idx1) {
    return uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.6, 64] })(u, seriesIdx, idx0, idx1) : null;
  }

  function chart(el, opts, data) {
    var o = Object.assign({ width: width(el), height: 200, legend: { show: true } }, opts);
    plots.push(new uPlot(o, data, el));
  }

  // Counts are whole numbers: never draw 0.25 of an order.
  var WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
  var countAxis = { incrs: WHOLE, values: function (u, splits) { return splits.map(function (v) { return String(Math.round(v)); }); } };

  // Bars over categories: a fixed x range so one category still shows (uPlot needs a non-empty range).
  function categoryScale(n) { return { time: false, range: function () { return [-0.5, Math.max(n, 1) - 0.5]; } }; }

  function indexAxis(labels) {
    return { incrs: [1], values: function (u, splits) { return splits.map(function (i) { return labels[i] === undefined ? '' : labels[i]; }); } };
  }

  function draw(a) {
    plots.forEach(function (p) { p.destroy(); });
    plots = [];
    var root = document.getElementById('charts');
    if (!root) return;
    var q = function (name) { return root.querySelector('[data-chart="' + name + '"]'); };
    var days = a.orderTrends.map(function (d) { return Date.parse(d.date) / 1000; });
    // One revenue line per currency: amounts in different currencies are never added together.
    var currencies = a.currencies || [];
    var colors = ['#16a34a', '#9333ea', '#dc2626', '#0891b2'];
    chart(q('trend'), {
      series: [{ label: s('chart.day') }, { label: s('chart.orders'), stroke: '#2563eb', scale: 'n' }].concat(currencies.map(function (c, i) {
        return { label: s('chart.revenueIn', { currency: c }), stroke: colors[i % colors.length], scale: 'm' };
      })),
      axes: [{}, Object.assign({ scale: 'n' }, countAxis), { scale: 'm', side: 1, grid: { show: false } }],
    }, [days, a.orderTrends.map(function (d) { return d.orders; })].concat(currencies.map(function (c) {
      return a.revenueChart.map(function (d) { return d.byCurrency[c] || 0; });
    })));

    var st = a.statusDistribution;
    chart(q('status'), {
      scales: { x: categoryScale(st.length) },
      series: [{ label: s('orders.colStatus') }, { label: s('chart.orders'), fill: '#93c5fd', stroke: '#2563eb', paths: bars }],
      axes: [indexAxis(st.map(function (x) { return s('status.' + x.status); })), countAxis],
    }, [st.map(function (_, i) { return i; }), st.map(function (s) { return s.count; })]);

    chart(q('hours'), {
      scales: { x: { time: false, range: function () { return [-0.5, 23.5]; } } },
      series: [{ label: s('chart.hour') }, { label: s('chart.orders'), fill: '#fcd34d', stroke: '#d97706', paths: bars }],
      axes: [{ incrs: [1, 2, 3, 6], values: function (u, splits) { return splits.map(function (h) { return h + 'h'; }); } }, countAxis],
    }, [a.peakHours.map(function (h) { return h.hour; }), a.peakHours.map(function (h) { return h.orders; })]);

    // Lets a reader (and the browser test) see which data the charts show.
    root.setAttribute('data-orders-total', String(st.reduce(function (n, s) { return n + s.count; }, 0)));

    var tp = a.topProducts;
    chart(q('products'), {
      scales: { x: categoryScale(tp.length) },
      series: [{ label: s('chart.product') }, { label: s('chart.revenue'), fill: '#86efac', stroke: '#16a34a', paths: bars }],
      axes: [indexAxis(tp.map(function (p) { return currencies.length > 1 ? p.name + ' (' + p.currency + ')' : p.name; })), {}],
    }, [tp.map(function (_, i) { return i; }), tp.map(function (p) { return p.revenue; })]);
  }

  function init() {
    var root = document.getElementById('charts');
    if (!root || typeof uPlot === 'undefined') return;
    try { draw(JSON.parse(root.getAttribute('data-analytics'))); } catch { /* charts are optional */ }
    var timer = null;
    document.body.addEventListener('htmx:wsAfterMessage', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(root.getAttribute('data-src'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (a) { if (a) draw(a); });
      }, 400);
    });
    var resize = null;
    window.addEventListener('resize', function () {
      clearTimeout(resize);
      resize = setTimeout(function () { plots.forEach(function (p) { p.setSize({ width: width(p.root.parentNode), height: 200 }); }); }, 150);
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
