// `amsgate keys`: create and show the gateway's signing key. The public half is what a data collector or
// a market operator needs to verify records offline; the private half never leaves the key file.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../device/config/gateway-config.js';
import {
  loadOrCreateDeviceKey,
  PRIVATE_KEY_FILE,
  publicKeyPem,
  type DeviceKey,
  type SigningAlgorithm,
} from '../../device/signing/device-key.js';
import { ConfigError } from '../../drivers/errors.js';
import { printJson } from '../output.js';

interface KeyOpts {
  dir?: string;
  config?: string;
  format: 'jwk' | 'pem';
  json?: boolean;
  alg?: SigningAlgorithm;
}

/** The key directory and algorithm named by --dir or --config (the config's keys.dir and keys.algorithm). */
export function keyLocation(opts: { dir?: string; config?: string }): { dir: string; alg?: SigningAlgorithm } {
  if (opts.dir && opts.config) throw new ConfigError('option', 'give either --dir DIR or --config FILE, not both');
  if (opts.config) {
    const cfg = loadConfig(opts.config);
    return { dir: cfg.keys.dir, alg: cfg.keys.algorithm };
  }
  if (opts.dir) return { dir: resolve(opts.dir) };
  throw new ConfigError('option', 'no key location: give --dir DIR (the directory holding device-key.pem) or --config FILE');
}

function formatArg(text: string): 'jwk' | 'pem' {
  if (text !== 'jwk' && text !== 'pem') throw new ConfigError('option', `--format is "${text}"; expected jwk or pem`);
  return text;
}

function algArg(text: string): SigningAlgorithm {
  if (text !== 'ES256' && text !== 'EdDSA') throw new ConfigError('option', `--alg is "${text}"; expected ES256 or EdDSA`);
  return text;
}

function describe(key: DeviceKey, file: string, status: string | null, opts: KeyOpts): void {
  if (opts.json) {
    printJson({ ...(status ? { status } : {}), kid: key.kid, alg: key.alg, file, publicJwk: key.publicJwk, publicKeyPem: publicKeyPem(key) });
    return;
  }
  // Only the key goes to stdout, so `> gw.pub.pem` (or `> gw.jwk`) is a file openssl or a JOSE library reads as it is;
  // what it is and where it lives is for the person at the terminal (stderr).
  const about = [...(status ? [`${status}: ${file}`] : []), `kid  ${key.kid}`, `alg  ${key.alg}${key.alg === 'ES256' ? ' (ECDSA P-256, SHA-256)' : ' (Ed25519)'}`, `file ${file}`];
  process.stderr.write(`${about.join('\n')}\n`);
  process.stdout.write(opts.format === 'pem' ? publicKeyPem(key) : `${JSON.stringify(key.publicJwk, null, 2)}\n`);
}

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description('Create or show the gateway signing key (the public key verifies every record the gateway signs).')
    .addHelpText(
      'after',
      `
The private key lives in <dir>/device-key.pem (PKCS#8, mode 0600; the gateway refuses a key others can read).
The kid in every record header is the RFC 7638 thumbprint of the public key.

Examples:
  amsgate keys create --dir ./data/keys              # ES256 (ECDSA P-256) unless --alg EdDSA
  amsgate keys show --config gateway.yaml --format pem > gw-0001.pub.pem
  amsgate keys show --dir ./data/keys --json`,
    );

  const where = (c: Command): Command =>
    c
      .option('--dir <dir>', 'directory holding device-key.pem')
      .option('--config <file>', 'gateway configuration (.yaml/.json): use its keys.dir and keys.algorithm')
      .option('--format <fmt>', 'public key format on stdout: jwk (JSON Web Key) or pem (SPKI); kid, alg and file go to stderr', formatArg, 'jwk')
      .option('--json', 'print one JSON document: kid, alg, file, publicJwk, publicKeyPem');

  where(keys.command('show'))
    .description('Show the public key and kid of an existing device key (never creates one).')
    .addHelpText('after', '\nExample:\n  amsgate keys show --dir ./data/keys --format pem')
    .action((opts: KeyOpts) => {
      const loc = keyLocation(opts);
      const file = join(loc.dir, PRIVATE_KEY_FILE);
      if (!existsSync(file)) {
        throw new ConfigError('no-key', `no device key at ${file}; create one with: amsgate keys create --dir ${loc.dir}`);
      }
      describe(loadOrCreateDeviceKey(loc.dir, loc.alg), file, null, opts);
    });

  where(keys.command('create'))
    .description('Create the device key if it does not exist yet (idempotent: an existing key is kept and shown).')
    .option('--alg <alg>', 'ES256 (ECDSA P-256, what secure elements offer) or EdDSA (Ed25519)', algArg)
    .addHelpText('after', '\nExample:\n  amsgate keys create --dir ./data/keys --alg ES256')
    .action((opts: KeyOpts) => {
      const loc = keyLocation(opts);
      const file = join(loc.dir, PRIVATE_KEY_FILE);
      const existed = existsSync(file);
      const key = loadOrCreateDeviceKey(loc.dir, opts.alg ?? loc.alg);
      describe(key, file, existed ? 'exists' : 'created', opts);
    });
}
