// The MQTT connection options of a collector: a persistent session (clean false, MQTT v5 session expiry), the
// reconnect back-off, and for a member that announces its presence the retained "offline" last will (adoption.ts).
// An adopter (a connection under a dead member's client id) never reconnects: the broker ends it when the member
// comes back, and reconnecting would take the session from the member in turn.
import type { IClientOptions } from 'mqtt';
import type { CollectorOptions } from './collector-types.js';
import { presenceWill } from './member-presence.js';

export function clientOptions(o: CollectorOptions, clientId: string, group: string, announce: boolean): IClientOptions {
  const v = o.protocolVersion ?? 5;
  return {
    clientId,
    clean: false,
    protocolVersion: v,
    reconnectPeriod: o.adopter ? 0 : o.reconnectMinMs ?? 1000,
    connectTimeout: 10_000,
    ...(announce ? { will: presenceWill(group, clientId) } : {}),
    ...(v === 5 ? { properties: { sessionExpiryInterval: o.sessionExpiry ?? 7 * 24 * 3600, receiveMaximum: 65535 } } : {}),
  };
}
