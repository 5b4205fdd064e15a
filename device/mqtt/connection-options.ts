// Builds mqtt.js options from the gateway's broker settings: a persistent session (clean: false) under a stable
// client id, a retained last will "offline", TLS with client certificates, secrets read from files.
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { ConfigError } from '../../drivers/errors.js';
import { topics } from './topics.js';
import type { BrokerSettings } from '../config/gateway-config.js';

export type { BrokerSettings };

export interface StatusMessage {
  state: 'online' | 'offline';
  device: string;
  at?: string;
  version?: string;
  /** Sequence number of the latest record the gateway has sealed (0 before the first): a head-end's tail. */
  seq?: number;
}

export function statusPayload(s: StatusMessage): string {
  return JSON.stringify(s);
}

function readSecret(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError('broker-file', `cannot read broker ${what} file ${path}: ${(err as Error).message}`);
  }
}

/** MQTT 3.1.1 everywhere: the one protocol both aedes and Mosquitto speak, so demo and field share a code path. */
export function connectionOptions(deviceId: string, b: BrokerSettings): IClientOptions {
  const o: IClientOptions = {
    clientId: b.clientId ?? `amsgate-${deviceId}`,
    clean: false,
    protocolVersion: 4,
    keepalive: b.keepaliveS ?? 30,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: true,
    // mqtt-packet otherwise pre-builds a Buffer for each of the 65 536 packet ids (~6 MB of heap for good).
    writeCache: false,
    will: {
      topic: topics.status(deviceId),
      payload: Buffer.from(statusPayload({ state: 'offline', device: deviceId })),
      qos: 1,
      retain: true,
    },
  };
  if (b.username) o.username = b.username;
  if (b.passwordFile) o.password = readSecret(b.passwordFile, 'password').toString('utf8').trim();
  if (b.tls) {
    if (b.tls.caFile) o.ca = readSecret(b.tls.caFile, 'CA');
    if (b.tls.certFile) o.cert = readSecret(b.tls.certFile, 'client certificate');
    if (b.tls.keyFile) o.key = readSecret(b.tls.keyFile, 'client key');
    o.rejectUnauthorized = b.tls.rejectUnauthorized ?? true;
  }
  return o;
}

/** The broker URL with any password removed, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}
