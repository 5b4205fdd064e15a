// The page frame: headings, navigation and the stylesheet, with hono's escaping `html` template.
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const NAV: [string, string][] = [
  ['/', 'Live readings'],
  ['/status', 'Status'],
  ['/intervals', 'Intervals'],
  ['/identity', 'Identity'],
  ['/commission', 'Commissioning'],
];

export function page(o: { title: string; device: string; path: string; csrf: string | null; body: Html; scripts?: string[]; head?: Html | string; nav?: [string, string][] }): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${o.title} · ${o.device} · amsgate</title><link rel="stylesheet" href="/assets/console.css">${o.head ?? ''}</head>
<body><header><p class="brand">amsgate <span>${o.device}</span></p>
<nav aria-label="Console pages"><ul>${(o.nav ?? NAV).map(([href, label]) => html`<li><a href="${href}"${href === o.path ? html` aria-current="page"` : ''}>${label}</a></li>`)}</ul></nav>
${o.csrf ? html`<form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${o.csrf}"><button type="submit">Log out</button></form>` : ''}
</header>
<main><h1>${o.title}</h1>
${o.body}
</main>
${(o.scripts ?? []).map((s) => html`<script src="${s}"></script>`)}
</body></html>`;
}

export const when = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));
