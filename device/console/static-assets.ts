// The console's stylesheet and page script as strings, so that they travel with the compiled or bundled code
// (tsc copies no .css/.js files into dist/). Shared by both consoles.

export const CONSOLE_CSS = `/* amsgate consoles: one small stylesheet, readable on a phone. */
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f7f8fa}
header{background:#17324d;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1.5em}
header .brand{margin:0;font-weight:700}header .brand span{font-weight:400;opacity:.85}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2em .9em}
nav a{color:#cfe3ff;text-decoration:none}nav a[aria-current=page]{color:#fff;text-decoration:underline}
.logout{margin-left:auto}.logout button{background:none;border:1px solid #cfe3ff;color:#fff;border-radius:4px;padding:.15em .6em}
main{padding:.5em 1em 2em;max-width:72em}
h1{font-size:1.35em}h2{font-size:1.1em;margin-top:1.4em}
table{border-collapse:collapse;width:100%;background:#fff;margin:.4em 0}
th,td{border:1px solid #d5dae0;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.wrap{overflow-x:auto}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(9em,1fr));gap:.6em;margin:.5em 0}
.card{background:#fff;border:1px solid #d5dae0;border-radius:6px;padding:.5em .7em}.card b{display:block;font-size:1.4em}
.ok{color:#08660f}.bad{color:#b00020}.warn{color:#8a5a00}
.pass{background:#dff3df}.fail{background:#f9d7d7}.not-applicable{background:#eee}
label{display:block;margin:.6em 0 .2em;font-weight:600}label.inline{display:inline;margin:0}
input,select,button{font:inherit;padding:.35em .5em}input[type=text],input[type=password],input[type=number],input[type=search],select{width:100%;max-width:24em}
fieldset{border:1px solid #d5dae0;background:#fff;margin:.6em 0}
button.primary{background:#17324d;color:#fff;border:0;border-radius:4px;padding:.5em 1.1em}
pre{white-space:pre-wrap;word-break:break-all;background:#fff;border:1px solid #d5dae0;padding:.5em;font-size:.85em}
.plot{background:#fff;border:1px solid #d5dae0;margin:.5em 0;min-height:220px}
.qr svg{width:14em;height:14em;background:#fff}
.flag{display:inline-block;white-space:nowrap;background:#fde9c4;border-radius:3px;padding:0 .3em;margin:0 .2em .1em 0;font-size:.85em}
.error{background:#f9d7d7;border:1px solid #b00020;padding:.5em;border-radius:4px}
.muted{color:#5b6670}
code.id{word-break:break-all}
`;

export const LIVE_JS = `// Installer console, live readings: fills the tables and the power plots from /api/live, then follows the
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
`;
