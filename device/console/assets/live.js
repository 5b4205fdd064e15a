// Installer console, live readings: fills the tables and the power plots from /api/live, then follows the
// gateway's readings pushed on /events (Server-Sent Events). The page is complete without this script.
/* global uPlot */
(function () {
  'use strict';
  var plots = {};
  function setFields(meter, fields) {
    var table = document.querySelector('table[data-meter="' + meter + '"]');
    if (!table) return;
    fields.forEach(function (f) {
      var cell = table.querySelector('[data-field="' + f[0] + '"]');
      if (cell) cell.textContent = f[2];
    });
  }
  function makePlot(el, history) {
    var data = [history.at.map(function (t) { return t / 1000; }), history.w];
    var opts = {
      width: Math.max(280, el.clientWidth - 4), height: 220,
      scales: { x: { time: true } },
      series: [{}, { label: 'P (W)', stroke: '#17324d', width: 2, spanGaps: false }],
      axes: [{}, { label: 'W', size: 60 }],
    };
    return { u: new uPlot(opts, data, el), data: data };
  }
  fetch('/api/live', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (live) {
    live.meters.forEach(function (m) {
      var el = document.getElementById('plot-' + m.id);
      if (el && typeof uPlot === 'function') plots[m.id] = makePlot(el, m.history);
    });
    var es = new EventSource('/events');
    es.addEventListener('reading', function (ev) {
      var r = JSON.parse(ev.data);
      setFields(r.meter, r.fields);
      var p = plots[r.meter];
      if (p) {
        p.data[0].push(r.at / 1000);
        p.data[1].push(r.powerW);
        if (p.data[0].length > 360) { p.data[0].shift(); p.data[1].shift(); }
        p.u.setData(p.data);
      }
      document.body.setAttribute('data-readings', String(Number(document.body.getAttribute('data-readings') || 0) + 1));
    });
  });
})();
