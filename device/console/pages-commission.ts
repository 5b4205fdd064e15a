// Commissioning from the console: a start form, then each question of the run as a form field, each check's
// pass/fail with what to fix, and the signed record to download at the end.
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { ConsoleEnv } from './auth.js';
import { CommissionJob } from './commission-job.js';
import type { ConsoleContext } from './console-context.js';
import { page, type Html } from './layout.js';

function questionForm(job: CommissionJob, csrf: string): Html {
  const q = job.pending!.q;
  const field =
    q.kind === 'yes-no'
      ? html`<fieldset><legend>${q.text}</legend><label><input type="radio" name="answer" value="yes" required> Yes</label><label><input type="radio" name="answer" value="no"> No</label></fieldset>`
      : html`<label for="answer">${q.text}</label><input id="answer" name="answer" type="${q.kind === 'number' ? 'number' : 'text'}" ${q.kind === 'number' ? html`step="any"` : ''} required>`;
  return html`<form method="post" action="/commission/answer"><input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="id" value="${q.id}">
${field}<p><button class="primary" type="submit">Continue</button></p></form>`;
}

function results(job: CommissionJob): Html {
  const r = job.record!;
  return html`<p class="${r.result === 'pass' ? 'ok' : 'bad'}" role="status"><b>Commissioning ${r.result === 'pass' ? 'PASSED' : 'FAILED'}</b></p>
<ul><li><a href="/commission/record.json" download>Signed commissioning record: JSON</a></li><li><a href="/commission/record.jws" download>JWS (signed)</a></li><li><a href="/commission/record.html" download>HTML page</a></li></ul>
<div class="wrap"><table><thead><tr><th scope="col">Result</th><th scope="col">Check</th><th scope="col">Finding</th></tr></thead><tbody>
${r.checks.map((c) => html`<tr class="${c.status}"><td>${c.status === 'not-applicable' ? 'n/a' : c.status.toUpperCase()}</td><td>${c.title}${c.meter ? html` <span class="muted">(${c.meter})</span>` : ''}</td><td>${c.detail}${c.fix ? html`<br><b>Fix:</b> ${c.fix}` : ''}</td></tr>`)}
</tbody></table></div>`;
}

export function registerCommission(app: Hono<ConsoleEnv>, x: ConsoleContext): void {
  let job: CommissionJob | null = null;
  const dev = x.cfg.deviceId;

  app.get('/commission', (c) => {
    const csrf = c.get('session').csrf;
    let body: Html;
    if (!job) {
      body = html`<p>Runs the commissioning checks of <code>amsgate commission</code> against this gateway's meters (${x.cfg.meters.map((m) => m.id).join(', ')}) and its broker: remote communication, test alarm, direction of flow, polarity, phase rotation, plausibility and key fields. Questions for you appear here one at a time.</p>
<form method="post" action="/commission/start"><input type="hidden" name="_csrf" value="${csrf}">
<label for="integrate">Measure each direction for (seconds of gateway time)</label><input id="integrate" name="integrateS" type="number" min="10" value="60" required>
<p><button class="primary" type="submit">Start commissioning</button></p></form>`;
    } else {
      const log = html`<h2>Progress</h2><ol class="muted">${job.log.map((l) => html`<li>${l}</li>`)}</ol>`;
      if (job.state === 'running') body = html`${job.pending ? questionForm(job, csrf) : html`<p role="status">Measuring… this page reloads itself.</p>`}${log}`;
      else if (job.state === 'error') body = html`<p class="error" role="alert">The run stopped: ${job.error}</p>${log}`;
      else body = html`${results(job)}${log}`;
      if (job.state !== 'running') {
        body = html`${body}<form method="post" action="/commission/reset"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Start a new commissioning</button></form>`;
      }
    }
    const refresh = job?.state === 'running' && !job.pending ? html`<meta http-equiv="refresh" content="2">` : '';
    return c.html(page({ title: 'Commissioning', device: dev, path: '/commission', csrf, body, head: refresh }));
  });

  app.post('/commission/start', async (c) => {
    if (job?.state === 'running') return c.redirect('/commission', 303);
    const f = await c.req.parseBody();
    const s = Number(f.integrateS);
    if (!Number.isFinite(s) || s < 10) return c.text(`integrateS is "${String(f.integrateS)}"; expected a number of seconds >= 10`, 400);
    job = new CommissionJob(x, s);
    return c.redirect('/commission', 303);
  });

  app.post('/commission/answer', async (c) => {
    const f = await c.req.parseBody();
    const a = typeof f.answer === 'string' ? f.answer.trim() : '';
    if (!job || !job.answer(String(f.id ?? ''), a === '' ? null : a)) return c.text('that question is not waiting for an answer (reload the commissioning page)', 409);
    return c.redirect('/commission', 303);
  });

  app.post('/commission/reset', (c) => {
    if (job?.state !== 'running') job = null;
    return c.redirect('/commission', 303);
  });

  app.get('/commission/:file{record\\.(?:json|jws|html)}', (c) => {
    const files = job?.files;
    if (!files) return c.text('no finished commissioning yet', 404);
    const ext = c.req.param('file').slice('record.'.length) as 'json' | 'jws' | 'html';
    const type = { json: 'application/json', jws: 'application/jose', html: 'text/html' }[ext];
    c.header('Content-Disposition', `attachment; filename="${files.name}.${ext}"`);
    return c.body(files[ext], 200, { 'Content-Type': `${type}; charset=utf-8` });
  });
}
