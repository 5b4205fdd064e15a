// Login, sessions and CSRF for the installer console. Every page and API needs a session; every POST needs the
// same-origin check (hono's csrf middleware: Origin / Sec-Fetch-Site) and the session's CSRF token.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { html } from 'hono/html';
import { randomBytes } from 'node:crypto';
import { page } from './layout.js';
import { verifyPassword, type PasswordHash } from './password.js';
import { LoginLimiter, sameToken, SessionStore, type Session } from './sessions.js';

export type ConsoleEnv = { Variables: { session: Session } };

export const SESSION_COOKIE = 'amsgate_console';
const LOGIN_CSRF_COOKIE = 'amsgate_login_csrf';
const PUBLIC = new Set(['/login', '/assets/console.css']);

const cookieOpts = { httpOnly: true, sameSite: 'Strict', path: '/' } as const;

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function loginPage(device: string, token: string, message: string | null, status = 200) {
  return {
    status,
    body: page({
      title: 'Log in',
      device,
      path: '/login',
      csrf: null,
      body: html`${message ? html`<p class="error" role="alert">${message}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="_csrf" value="${token}">
<label for="password">Console password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<p><button class="primary" type="submit">Log in</button></p></form>
<p class="muted">The password is set on the gateway with <code>amsgate console passwd</code>.</p>`,
    }),
  };
}

export function installAuth(app: Hono<ConsoleEnv>, o: { device: string; password: PasswordHash | null; now: () => number }): void {
  const sessions = new SessionStore(o.now);
  const limiter = new LoginLimiter(o.now);
  // Cross-site form posts are refused before anything else looks at them.
  app.use('*', csrf());

  const guard: MiddlewareHandler<ConsoleEnv> = async (c, next) => {
    if (PUBLIC.has(c.req.path)) return next();
    let s = sessions.get(getCookie(c, SESSION_COOKIE));
    if (!s && o.password === null) {
      // No password (loopback only): the console is open to this machine, a session still carries the CSRF token.
      s = sessions.create();
      setCookie(c, SESSION_COOKIE, s.id, cookieOpts);
    }
    if (!s) {
      const wantsPage = c.req.method === 'GET' && !c.req.path.startsWith('/api/') && c.req.path !== '/events' && (c.req.header('accept') ?? '').includes('text/html');
      return wantsPage ? c.redirect('/login', 303) : c.json({ error: 'not logged in: POST /login first' }, 401);
    }
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      const t = typeof form._csrf === 'string' ? form._csrf : '';
      if (!sameToken(t, s.csrf)) return c.text('refused: the form has no valid CSRF token (reload the page and try again)', 403);
    }
    c.set('session', s);
    return next();
  };
  app.use('*', guard);

  app.get('/login', (c) => {
    if (o.password === null) return c.redirect('/', 303);
    const token = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, token, cookieOpts);
    const r = loginPage(o.device, token, null);
    return c.html(r.body, 200);
  });

  app.post('/login', async (c) => {
    if (o.password === null) return c.redirect('/', 303);
    const form = await c.req.parseBody();
    const cookieToken = getCookie(c, LOGIN_CSRF_COOKIE) ?? '';
    const formToken = typeof form._csrf === 'string' ? form._csrf : '';
    if (!cookieToken || !sameToken(cookieToken, formToken)) return c.text('refused: the login form has no valid CSRF token (reload the login page)', 403);
    const addr = clientAddress(c);
    const wait = limiter.retryAfterMs(addr);
    const fresh = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, fresh, cookieOpts);
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.html(loginPage(o.device, fresh, `Too many wrong passwords: try again in ${Math.ceil(wait / 60_000)} minute(s).`).body, 429);
    }
    const ok = typeof form.password === 'string' && (await verifyPassword(form.password, o.password));
    if (!ok) {
      limiter.fail(addr);
      return c.html(loginPage(o.device, fresh, 'Wrong password.').body, 401);
    }
    limiter.succeed(addr);
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/' });
    const s = sessions.create();
    setCookie(c, SESSION_COOKIE, s.id, cookieOpts);
    return c.redirect('/', 303);
  });

  app.post('/logout', (c) => {
    sessions.end(c.get('session').id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect(o.password === null ? '/' : '/login', 303);
  });
}
