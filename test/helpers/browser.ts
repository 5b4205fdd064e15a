// Real headless Chromium for the console tests: Debian's /usr/bin/chromium driven by playwright-core (never a
// downloaded browser), with a fresh profile folder each time. A missing Chromium fails the test, saying so.
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.AMSGATE_CHROMIUM ?? '/usr/bin/chromium';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Screenshots of every run (git-ignored); with AMSGATE_DOC_SCREENSHOTS=1 also copied to docs/img/. */
export const SHOT_DIR = join(root, '.screenshots');

export interface Browser {
  context: BrowserContext;
  page: Page;
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function openBrowser(o: { width?: number; height?: number } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium) or set AMSGATE_CHROMIUM; the console browser tests need it`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'amsgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: o.width ?? 1100, height: o.height ?? 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  mkdirSync(SHOT_DIR, { recursive: true });
  return {
    context,
    page,
    async shot(name) {
      const file = join(SHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      if (process.env.AMSGATE_DOC_SCREENSHOTS === '1') {
        mkdirSync(join(root, 'docs', 'img'), { recursive: true });
        copyFileSync(file, join(root, 'docs', 'img', `${name}.png`));
      }
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
