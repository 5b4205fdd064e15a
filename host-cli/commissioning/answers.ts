// Installer answers: from an answers file (tests, scripted installs), else asked on the terminal. A question
// nobody can answer (no file entry, no terminal) is null, and the check that needed it fails saying so.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../drivers/errors.js';

export interface Question {
  /** Key in the answers file. */
  id: string;
  text: string;
  kind: 'yes-no' | 'number' | 'text';
}

export interface AnswerSource {
  ask(q: Question): Promise<string | null>;
  /** Tells the installer something (an instruction before a measurement). */
  say(text: string): void;
  close(): void;
}

export function loadAnswersFile(path: string): Record<string, string> {
  let doc: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    doc = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError('answers', `cannot read answers file ${path}: ${(err as Error).message}; expected a YAML or JSON map of question id to answer`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError('answers', `answers file ${path} is not a map; expected e.g. installer: "A. Smith"`);
  return Object.fromEntries(Object.entries(doc as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)]));
}

export function isYes(a: string | null): boolean | null {
  if (a === null) return null;
  const t = a.trim().toLowerCase();
  if (['y', 'yes', 'true', '1', 'ok'].includes(t)) return true;
  if (['n', 'no', 'false', '0'].includes(t)) return false;
  return null;
}

/**
 * Answers from a map first; then, when `interactive`, from the terminal. `assumeYes` answers yes/no questions
 * "yes" (the --yes option: the installer has done what each instruction says).
 */
export function answerSource(opts: {
  answers?: Record<string, string>;
  interactive: boolean;
  assumeYes?: boolean;
  log?: (s: string) => void;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}): AnswerSource {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  let rl: ReturnType<typeof createInterface> | null = null;
  return {
    async ask(q) {
      // "import-running.charger" falls back to "import-running" so one answer can serve every meter.
      const given = opts.answers?.[q.id] ?? (q.id.includes('.') ? opts.answers?.[q.id.slice(0, q.id.indexOf('.'))] : undefined);
      if (given !== undefined) {
        log(`? ${q.text} ${given}  (answers file)`);
        return given;
      }
      if (q.kind === 'yes-no' && opts.assumeYes) {
        log(`? ${q.text} yes  (--yes)`);
        return 'yes';
      }
      if (!opts.interactive) return null;
      rl ??= createInterface({ input: opts.input ?? process.stdin, output: opts.output ?? process.stderr });
      const hint = q.kind === 'yes-no' ? ' [y/n]' : q.kind === 'number' ? ' (number)' : '';
      for (;;) {
        const a = (await rl.question(`? ${q.text}${hint} `)).trim();
        if (q.kind === 'yes-no' && isYes(a) === null) continue;
        if (q.kind === 'number' && !Number.isFinite(Number(a))) continue;
        return a;
      }
    },
    say(text) {
      log(text);
    },
    close() {
      rl?.close();
    },
  };
}
