// Keeps docs true about the tree: every repository path that README.md or a docs/*.md page names (a file with its
// extension, a folder with its trailing slash, `{a,b}` alternatives expanded) and every relative link target exists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const TOP = '(?:\\.ci|bench|calibration|device|docs|drivers|fixtures|host-cli|test)';
const EXT = '(?:ts|mjs|js|md|json|yaml|yml|sh|py|pem|png|jws|sql|csv|txt)';
// Not preceded by a path character (so `node_modules/x/test/a.ts` or `dist/host-cli/main.js` are not taken).
const PATH = new RegExp(`(?<![\\w/.-])(${TOP}/(?:[\\w.{},-]+/)*(?:[\\w.{},-]*\\.${EXT}\\b|))(?![\\w/-])`, 'g');
const LINK = /\]\(([^)#\s]+)(?:#[^)]*)?\)/g;

/** `a/{b,c}.ts` -> [`a/b.ts`, `a/c.ts`]. */
function expand(path: string): string[] {
  const m = /^(.*?)\{([^{}]*)\}(.*)$/.exec(path);
  return m ? m[2].split(',').flatMap((alt) => expand(m[1] + alt + m[3])) : [path];
}

function missing(): string[] {
  const out: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const [, p] of text.matchAll(PATH)) {
      for (const q of expand(p)) if (!existsSync(join(root, q))) out.push(`${page}: ${q}`);
    }
    for (const [, target] of text.matchAll(LINK)) {
      if (/^[a-z]+:/i.test(target)) continue; // http(s):, mailto:
      if (!existsSync(join(root, dirname(page), target))) out.push(`${page}: link ${target}`);
    }
  }
  return out;
}

test('expand names each alternative', () => {
  assert.equal(expand('host-cli/commands/{collect,devices}.ts'), ['host-cli/commands/collect.ts', 'host-cli/commands/devices.ts']);
  assert.equal(expand('device/runtime/'), ['device/runtime/']);
});

test('the path pattern takes files and folders, not prose or foreign paths', () => {
  const found = (s: string) => [...s.matchAll(PATH)].map((m) => m[1]);
  assert.equal(found('see `device/runtime/meter-loop.ts`, and drivers/sim/ too'), ['device/runtime/meter-loop.ts', 'drivers/sim/']);
  assert.equal(found('a device/meter with no id; dist/host-cli/main.js'), []);
});

test('every path and relative link in README.md and docs/*.md exists', () => {
  assert.equal(missing(), []);
});

test('README lists every docs page', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const unlisted = pages.filter((p) => p !== 'README.md' && !readme.includes(`](${p})`));
  assert.equal(unlisted, []);
});

test.run();
