// The installer console's HTTP application (hono): auth first, then the pages, the JSON under them and the
// static files (the stylesheet, the page script and uPlot, read from node_modules: no build step, no network).
import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { installAuth, type ConsoleEnv } from './auth.js';
import type { ConsoleContext } from './console-context.js';
import { registerCommission } from './pages-commission.js';
import { registerLive } from './pages-live.js';
import { registerRecords } from './pages-records.js';
import { CONSOLE_CSS, LIVE_JS } from './static-assets.js';

const require = createRequire(import.meta.url);
const uplot = (file: string) => (): string => readFileSync(join(dirname(require.resolve('uplot')), file), 'utf8');

/** Static files: name -> [content, content type]. uPlot is read from its npm package when asked for. */
const ASSETS: Record<string, [() => string, string]> = {
  'console.css': [() => CONSOLE_CSS, 'text/css'],
  'live.js': [() => LIVE_JS, 'text/javascript'],
  'uPlot.iife.min.js': [uplot('uPlot.iife.min.js'), 'text/javascript'],
  'uPlot.min.css': [uplot('uPlot.min.css'), 'text/css'],
};

export function registerAssets(app: Hono<any>, only?: string[]): void {
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const a = ASSETS[name];
    if (!a || (only && !only.includes(name))) return c.notFound();
    return c.body(a[0](), 200, { 'Content-Type': `${a[1]}; charset=utf-8`, 'Cache-Control': 'max-age=3600' });
  });
}

export function consoleApp(x: ConsoleContext): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
  });
  installAuth(app, { device: x.cfg.deviceId, password: x.password, now: x.realNow ?? Date.now });
  registerAssets(app);
  registerLive(app, x);
  registerRecords(app, x);
  registerCommission(app, x);
  return app;
}
