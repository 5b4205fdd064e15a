// Where the installer console may listen: loopback always; any other address only with a password set.
import { isIP } from 'node:net';
import { ConfigError } from '../../drivers/errors.js';

export interface ConsoleSettings {
  /** Address to bind, default 127.0.0.1. */
  listen: string;
  /** TCP port, default 8080 (0: any free port). */
  port: number;
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Throws a ConfigError (exit 2) for a non-loopback address without a password. */
export function checkListen(s: ConsoleSettings, hasPassword: boolean): void {
  if (!isLoopback(s.listen) && !hasPassword) {
    throw new ConfigError(
      'console-listen',
      `console.listen is ${s.listen}, which other machines can reach, but no console password is set; ` +
        'set one with `amsgate console passwd --config FILE`, or listen on 127.0.0.1',
    );
  }
}
