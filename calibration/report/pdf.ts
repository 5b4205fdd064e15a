// Prints the certificate page to PDF with headless Chromium, where it is installed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../drivers/errors.js';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | null {
  const env = process.env.AMSGATE_CHROMIUM;
  if (env && existsSync(env)) return env;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Runs headless Chromium with the given extra arguments on a file; resolves with its stdout. */
export function runChromium(args: string[], htmlPath: string, timeoutMs = 60_000): Promise<string> {
  const bin = findChromium();
  if (!bin) throw new ConfigError('no-chromium', `headless Chromium not found (looked for ${CHROMIUM_CANDIDATES.join(', ')}); install Debian package "chromium" or set AMSGATE_CHROMIUM`);
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage', ...args, pathToFileURL(htmlPath).href], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`chromium exited with ${code}: ${err.slice(-500)}`));
    });
  });
}

export async function printPdf(htmlPath: string, pdfPath: string): Promise<void> {
  await runChromium([`--print-to-pdf=${pdfPath}`, '--no-pdf-header-footer'], htmlPath);
  if (!existsSync(pdfPath)) throw new Error(`chromium did not write ${pdfPath}`);
}
