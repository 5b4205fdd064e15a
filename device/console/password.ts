// The console password, stored only as a salted scrypt hash (node:crypto) in <storePath>/console-password.json,
// written by `amsgate console passwd`. The password itself is never stored, printed or logged.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../drivers/errors.js';

export const PASSWORD_FILE = 'console-password.json';
export const MIN_PASSWORD_LENGTH = 10;

/** scrypt cost: N = 2^14, r = 8 (16 MiB while hashing, freed after), p = 1: RFC 7914's interactive-login figures. */
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LEN = 32;

export interface PasswordHash {
  alg: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const opts: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError('console-password', `the console password has ${password.length} characters; use at least ${MIN_PASSWORD_LENGTH}`);
  }
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return { alg: 'scrypt', ...PARAMS, salt: salt.toString('base64url'), hash: key.toString('base64url') };
}

export async function verifyPassword(password: string, h: PasswordHash): Promise<boolean> {
  const want = Buffer.from(h.hash, 'base64url');
  const got = await derive(password, Buffer.from(h.salt, 'base64url'), h);
  return got.length === want.length && timingSafeEqual(got, want);
}

export const passwordFile = (storePath: string): string => join(storePath, PASSWORD_FILE);

export function readPasswordHash(storePath: string): PasswordHash | null {
  const file = passwordFile(storePath);
  if (!existsSync(file)) return null;
  let h: PasswordHash;
  try {
    h = JSON.parse(readFileSync(file, 'utf8')) as PasswordHash;
  } catch (err) {
    throw new ConfigError('console-password', `${file} is not valid JSON (${(err as Error).message}); set the password again with amsgate console passwd`);
  }
  if (h.alg !== 'scrypt' || typeof h.salt !== 'string' || typeof h.hash !== 'string' || !(h.N > 1 && h.r > 0 && h.p > 0)) {
    throw new ConfigError('console-password', `${file} is not an amsgate scrypt hash; set the password again with amsgate console passwd`);
  }
  return h;
}

/** Writes the hash with mode 0600, atomically (a reader never sees half a file). */
export function writePasswordHash(storePath: string, h: PasswordHash): string {
  const file = passwordFile(storePath);
  const tmp = `${file}.tmp`;
  mkdirSync(storePath, { recursive: true });
  writeFileSync(tmp, `${JSON.stringify(h)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}
