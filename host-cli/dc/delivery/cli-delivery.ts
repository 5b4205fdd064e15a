// What the `export ... --submit` and `deliver` commands share: opening the ledger in --db, reading the token, and
// turning outcomes into output and the exit code (unreachable: 3, refused: 1, else 0).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { systemClock } from '../../../drivers/clock.js';
import { ConfigError } from '../../../drivers/errors.js';
import { EXIT } from '../../exit-codes.js';
import { openDcDb, type DcDb } from '../dc-db.js';
import { SubmissionLedger } from './submission-ledger.js';

export function readToken(tokenFile: string | undefined, option = '--token-file'): string {
  if (!tokenFile) throw new ConfigError('option', `--submit needs ${option} FILE holding the Bearer token`);
  try {
    const t = readFileSync(tokenFile, 'utf8').trim();
    if (!t) throw new Error('the file is empty');
    return t;
  } catch (e) {
    throw new ConfigError('option', `${option} ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function withLedger<T>(db: string, fn: (ledger: SubmissionLedger) => Promise<T>): Promise<T> {
  const d: DcDb = await openDcDb(db);
  try {
    return await fn(new SubmissionLedger(d, systemClock, randomUUID));
  } finally {
    await d.close();
  }
}

/** unreachable beats refused beats ok. */
export function exitFor(kinds: ('ok' | 'refused' | 'unreachable')[]): number {
  if (kinds.includes('unreachable')) return EXIT.comms;
  if (kinds.includes('refused')) return EXIT.failed;
  return EXIT.ok;
}
