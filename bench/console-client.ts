// One installer-console client for the RSS bench: logs in, loads the live page and its JSON, and keeps the
// Server-Sent Events stream open (what one open browser tab costs the gateway).
export async function consoleClient(base: string, password: string): Promise<{ events: () => number; close(): void }> {
  const g = await fetch(`${base}/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await g.text())![1]!;
  const r = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: g.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, password }),
  });
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (r.status !== 303 || !cookie) throw new Error(`console login failed: HTTP ${r.status}`);
  for (const p of ['/', '/api/live', '/assets/uPlot.iife.min.js', '/status']) await (await fetch(`${base}${p}`, { headers: { cookie } })).text();
  const ac = new AbortController();
  let n = 0;
  const res = await fetch(`${base}/events`, { headers: { cookie }, signal: ac.signal });
  void (async () => {
    try {
      for await (const chunk of res.body!) n += (Buffer.from(chunk).toString().match(/^event: reading/gm) ?? []).length;
    } catch {
      // aborted at the end of the bench
    }
  })();
  return { events: () => n, close: () => ac.abort() };
}
