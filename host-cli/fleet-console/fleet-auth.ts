// Fleet console access: a bearer token for scripts (Authorization: Bearer TOKEN) or, for people, the same token
// typed once into a login form that gives a session cookie (HttpOnly, SameSite=Strict). Read-only, so the only
// POSTs are login and logout, both CSRF-checked. Sessions and the login limit are the installer console's.
import type { Hono, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { randomBytes } from 'node:crypto';
import { page } from '../../device/console/layout.js';
import { LoginLimiter, sameToken, SessionStore, type Session } from '../../device/console/sessions.js';

export type FleetEnv = { Variables: { session: Session | null } };

const COOKIE = 'amsgate_fleet';
const LOGIN_CSRF = 'amsgate_fleet_login';
const opts = { httpOnly: true, sameSite: 'Strict', path: '/' } as const;

export function installFleetAuth(app: Hono<FleetEnv>, o: { token: string; now?: () => number; nav: [string, string][] }): void {
  const sessions = new SessionStore(o.now);
  const limiter = new LoginLimiter(o.now);
  app.use('*', csrf());
  const guard: MiddlewareHandler<FleetEnv> = async (c, next) => {
    if (c.req.path === '/login' || c.req.path === '/assets/console.css') return next();
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (bearer !== undefined) {
      if (!sameToken(bearer, o.token)) return c.json({ error: 'wrong bearer token' }, 401);
      c.set('session', null);
      return next();
    }
    const s = sessions.get(getCookie(c, COOKIE));
    if (!s) {
      const page = c.req.method === 'GET' && !c.req.path.startsWith('/api/') && (c.req.header('accept') ?? '').includes('text/html');
      return page ? c.redirect('/login', 303) : c.json({ error: 'not authenticated: send Authorization: Bearer TOKEN, or log in at /login' }, 401);
    }
    if (c.req.method === 'POST') {
      const f = await c.req.parseBody();
      if (!sameToken(typeof f._csrf === 'string' ? f._csrf : '', s.csrf)) return c.text('refused: no valid CSRF token', 403);
    }
    c.set('session', s);
    return next();
  };
  app.use('*', guard);

  const loginPage = (token: string, message: string | null) =>
    page({
      title: 'Log in',
      device: 'fleet console',
      path: '/login',
      csrf: null,
      nav: o.nav,
      body: html`${message ? html`<p class="error" role="alert">${message}</p>` : ''}<form method="post" action="/login"><input type="hidden" name="_csrf" value="${token}">
<label for="token">Access token</label><input id="token" name="token" type="password" autocomplete="current-password" required>
<p><button class="primary" type="submit">Log in</button></p></form>`,
    });

  app.get('/login', (c) => {
    const t = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF, t, opts);
    return c.html(loginPage(t, null));
  });
  app.post('/login', async (c) => {
    const f = await c.req.parseBody();
    const ck = getCookie(c, LOGIN_CSRF) ?? '';
    if (!ck || !sameToken(ck, typeof f._csrf === 'string' ? f._csrf : '')) return c.text('refused: the login form has no valid CSRF token', 403);
    let addr = 'unknown';
    try {
      addr = getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      // not behind a node socket (in-process requests)
    }
    const fresh = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF, fresh, opts);
    const wait = limiter.retryAfterMs(addr);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.html(loginPage(fresh, 'Too many wrong tokens: try again later.'), 429);
    }
    if (typeof f.token !== 'string' || !sameToken(f.token, o.token)) {
      limiter.fail(addr);
      return c.html(loginPage(fresh, 'Wrong token.'), 401);
    }
    limiter.succeed(addr);
    const s = sessions.create();
    setCookie(c, COOKIE, s.id, opts);
    return c.redirect('/', 303);
  });
  app.post('/logout', (c) => {
    const s = c.get('session');
    if (s) sessions.end(s.id);
    deleteCookie(c, COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });
}
