// `amsgate devices`: the collector's device registry. A gateway's records are only accepted when they are signed
// by a key registered for that device and valid at the record's creation time.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../drivers/errors.js';
import { openStore } from '../collector/open-store.js';
import {
  addDeviceKey, keyFromCommissioning, parseDateOption, readPublicKeyFile, registeredKeyOf, rotateDeviceKey,
} from '../collector/registry.js';
import type { RegisteredKey } from '../collector/store-types.js';
import { printJson, table } from '../output.js';

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

function describe(k: RegisteredKey): Record<string, unknown> {
  return { device: k.device, kid: k.kid, alg: k.alg, validFrom: iso(k.validFrom), validTo: k.validTo === null ? null : iso(k.validTo), source: k.source, publicJwk: k.jwk };
}

async function withStore<T>(db: string, f: (s: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

export function register(program: Command): void {
  const devices = program
    .command('devices')
    .description('Device registry of the collector: which public key signs which gateway\'s records, and when')
    .addHelpText(
      'after',
      `
Examples:
  amsgate devices add --db collector.sqlite --device gw-0001 --key gw-0001.pub.pem --from 2026-10-01
  amsgate devices add --db collector.sqlite --commissioning commissioning-gw-0001.json
  amsgate devices rotate --db collector.sqlite --device gw-0001 --key new.pub.pem --at 2026-11-01T00:00:00Z
  amsgate devices revoke --db collector.sqlite --kid <thumbprint> --at 2026-11-05T12:00:00Z
  amsgate devices list --db collector.sqlite --json`,
    );

  devices
    .command('add')
    .description('register a gateway public key (PEM or JWK file), or the key in a commissioning record')
    .requiredOption('--db <path|url>', 'collector store (SQLite path or postgres:// URL)')
    .option('--device <id>', 'gateway (device) id, as in its topics and records')
    .option('--key <file>', 'public key: PEM (SPKI; a private key PEM is also read, only its public half is kept) or JWK JSON')
    .option('--from <date>', 'first record creation time the key is good for (YYYY-MM-DD = 00:00 UTC, or ISO time); default: the key\'s creation (any time before its first record), never the end of commissioning')
    .option('--commissioning <file>', 'commissioning record from amsgate commission (.json or signed .jws)')
    .option('--json', 'print the registered key as JSON')
    .action(async (o: { db: string; device?: string; key?: string; from?: string; commissioning?: string; json?: boolean }) => {
      let k: RegisteredKey;
      const from = o.from === undefined ? undefined : parseDateOption(o.from, '--from');
      if (o.commissioning) {
        if (o.key || o.device) throw new ConfigError('option', 'give either --commissioning FILE or --device ID --key FILE, not both');
        let text: string;
        try {
          text = readFileSync(o.commissioning, 'utf8');
        } catch (e) {
          throw new ConfigError('commissioning', `cannot read commissioning record ${o.commissioning}: ${(e as Error).message}`);
        }
        k = keyFromCommissioning(text, Date.now(), from);
      } else {
        if (!o.device || !o.key) throw new ConfigError('option', 'devices add needs --device ID and --key FILE (or --commissioning FILE)');
        k = registeredKeyOf(o.device, readPublicKeyFile(o.key), from ?? 0, 'manual', Date.now());
      }
      await withStore(o.db, (s) => addDeviceKey(s, k));
      if (o.json) printJson(describe(k));
      else process.stdout.write(`registered ${k.alg} key ${k.kid} for ${k.device}, valid from ${iso(k.validFrom)}\n`);
    });

  devices
    .command('rotate')
    .description('register a new key for a device from --at and close its current key(s) at the same instant')
    .requiredOption('--db <path|url>', 'collector store')
    .requiredOption('--device <id>', 'gateway id')
    .requiredOption('--key <file>', 'the new public key (PEM or JWK)')
    .requiredOption('--at <date>', 'switch-over time (records created from then on must use the new key)')
    .option('--json', 'print JSON')
    .action(async (o: { db: string; device: string; key: string; at: string; json?: boolean }) => {
      const k = registeredKeyOf(o.device, readPublicKeyFile(o.key), parseDateOption(o.at, '--at'), 'rotation', Date.now());
      const r = await withStore(o.db, (s) => rotateDeviceKey(s, k));
      if (o.json) printJson({ added: describe(r.added), closed: r.closed });
      else process.stdout.write(`rotated ${o.device} at ${iso(k.validFrom)}: new key ${k.kid}; closed ${r.closed.join(', ') || 'none'}\n`);
    });

  devices
    .command('revoke')
    .description('stop accepting records created at or after --at that are signed with key --kid')
    .requiredOption('--db <path|url>', 'collector store')
    .requiredOption('--kid <kid>', 'key id (RFC 7638 thumbprint, as in `devices list`)')
    .requiredOption('--at <date>', 'revocation time')
    .option('--device <id>', 'only this device\'s registration of the key')
    .action(async (o: { db: string; kid: string; at: string; device?: string }) => {
      const at = parseDateOption(o.at, '--at');
      const n = await withStore(o.db, (s) => s.revokeKey(o.kid, at, o.device));
      if (n === 0) throw new ConfigError('no-key', `no registered key has kid ${o.kid}${o.device ? ` for device ${o.device}` : ''}; see amsgate devices list`);
      process.stdout.write(`revoked ${o.kid} from ${iso(at)}\n`);
    });

  devices
    .command('list')
    .description('list registered keys and their validity windows')
    .requiredOption('--db <path|url>', 'collector store')
    .option('--device <id>', 'one device only')
    .option('--json', 'print JSON')
    .action(async (o: { db: string; device?: string; json?: boolean }) => {
      const keys = await withStore(o.db, (s) => s.listKeys(o.device));
      if (o.json) printJson(keys.map(describe));
      else if (keys.length === 0) process.stdout.write('no keys registered (amsgate devices add --help)\n');
      else process.stdout.write(`${table(['device', 'kid', 'alg', 'valid from', 'valid to', 'source'], keys.map((k) => [k.device, k.kid, k.alg, iso(k.validFrom), iso(k.validTo), k.source]))}\n`);
    });
}
