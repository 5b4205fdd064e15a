// `amsgate verify`: checks a batch of signed records offline: signatures, key ids, the id scheme, and the
// per-device sequence and hash chain. Anyone holding the gateway's public key can run it.
import type { Command } from 'commander';
import type { KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRecordText } from '../../device/records/record-input.js';
import { verifyRecordStream } from '../../device/records/verify-records.js';
import { loadOrCreateDeviceKey, PRIVATE_KEY_FILE } from '../../device/signing/device-key.js';
import { loadKeySet } from '../../device/signing/key-set.js';
import { ConfigError } from '../../drivers/errors.js';
import { EXIT } from '../exit-codes.js';
import { printJson, table } from '../output.js';
import { keyLocation } from './keys.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('bad-input', `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); give a file of records or - for standard input`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('Verify signed records offline: signature, key id, record id, sequence (+1) and hash chain.')
    .argument('<file>', 'records: one JWS compact per line, or a JSON array of them; - reads standard input')
    .option('--key <file>', 'trusted public key: PEM, JWK or JWK Set (repeat for several devices)', collect)
    .option('--key-dir <dir>', "also trust the key in this gateway key directory (device-key.pem)")
    .option('--config <file>', "also trust the key of this gateway configuration's keys.dir")
    .option('--json', 'print one JSON document {ok, total, failed, results[]}')
    .addHelpText(
      'after',
      `
Each failure is listed with its index (0-based line), seq, id and reason code:
  malformed, unsupported-alg, bad-signature, unknown-kid, kid-mismatch, invalid-payload, id-mismatch,
  duplicate-id, seq-replay, seq-gap, chain-broken.
A stream may start at any seq (an export from the middle of a chain); records of several devices may be mixed.
Exit 0 when every record verifies, 1 when any fails, 2 for bad usage (no keys, unreadable input).

Examples:
  amsgate keys show --dir ./data/keys --format pem > gw.pub.pem
  amsgate verify records.jws --key gw.pub.pem
  mosquitto_sub -t 'amsgate/v1/+/interval' -C 10 | amsgate verify - --key gw.pub.pem --json`,
    )
    .action(async (file: string, opts: { key?: string[]; keyDir?: string; config?: string; json?: boolean }) => {
      const keys: Map<string, KeyObject> = loadKeySet(opts.key ?? []);
      for (const loc of [opts.keyDir ? { dir: opts.keyDir } : null, opts.config ? { config: opts.config } : null]) {
        if (!loc) continue;
        const { dir, alg } = keyLocation(loc);
        if (!existsSync(join(dir, PRIVATE_KEY_FILE))) throw new ConfigError('no-key', `no device key at ${join(dir, PRIVATE_KEY_FILE)}; give the gateway's public key with --key`);
        const k = loadOrCreateDeviceKey(dir, alg);
        keys.set(k.kid, k.publicKey);
      }
      if (keys.size === 0) throw new ConfigError('option', 'no trusted key: give --key FILE (PEM or JWK), --key-dir DIR or --config FILE');
      const compacts = parseRecordText(await readInput(file), file === '-' ? 'standard input' : file);
      if (compacts.length === 0) throw new ConfigError('bad-input', `${file === '-' ? 'standard input' : file} holds no records; expected one JWS compact per line`);

      const r = verifyRecordStream(compacts, keys);
      const failed = r.results.filter((x) => !x.ok);
      if (opts.json) {
        printJson({ ok: r.ok, total: r.results.length, failed: failed.length, results: r.results });
      } else {
        if (failed.length > 0) {
          process.stdout.write(
            `${table(
              ['index', 'seq', 'id', 'reason'],
              failed.map((x) => [x.index, x.seq ?? '-', x.id ?? '-', x.reason ?? '']),
            )}\n\n`,
          );
        }
        process.stdout.write(`${r.results.length} records: ${r.results.length - failed.length} ok, ${failed.length} failed\n`);
      }
      process.exitCode = r.ok ? EXIT.ok : EXIT.failed;
    });
}
