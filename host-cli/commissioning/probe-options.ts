// The instation probe's MQTT credentials and TLS, taken from the gateway's broker settings (the probe connects
// as its own throwaway client, so the client id and keepalive are left out).
import type { IClientOptions } from 'mqtt';
import type { BrokerSettings } from '../../device/config/gateway-config.js';
import { connectionOptions } from '../../device/mqtt/connection-options.js';

export function probeOptions(deviceId: string, broker: BrokerSettings): IClientOptions {
  const full = connectionOptions(deviceId, broker);
  const o: IClientOptions = { username: full.username, password: full.password, ca: full.ca, cert: full.cert, key: full.key, rejectUnauthorized: full.rejectUnauthorized };
  for (const k of Object.keys(o) as (keyof IClientOptions)[]) if (o[k] === undefined) delete o[k];
  return o;
}
