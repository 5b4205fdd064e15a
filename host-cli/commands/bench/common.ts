// Small helpers shared by the `amsgate bench` subcommands: option parsing, formatting, exit codes, run lookup.
import { ConfigError } from '../../../drivers/errors.js';
import { EXIT } from '../../exit-codes.js';
import type { Verdict } from '../../../calibration/maths/verdict.js';
import type { ResultsStore, RunRow } from '../../../calibration/run/results-store.js';

export const num = (name: string) => (v: string): number => {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new ConfigError('option', `${name} needs a number; got "${v}"`);
  return x;
};

export const pct = (x: number, d = 3): string => (x >= 0 ? '+' : '') + x.toFixed(d);
export const VERDICT_EXIT = (v: Verdict): number => (v === 'pass' ? EXIT.ok : EXIT.failed);

export function pickRun(store: ResultsStore, id: number | undefined, what: string): RunRow {
  const run = id !== undefined ? store.run(id) : store.latestFinishedRun();
  if (!run) {
    throw new ConfigError('no-run', id !== undefined ? `no run ${id} in the results database` : `no finished run in the results database to ${what}; run "amsgate bench run" first`);
  }
  return run;
}
