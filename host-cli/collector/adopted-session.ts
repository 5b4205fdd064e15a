// The MQTT steps of presence and adoption (adoption.ts): a member announces itself at every connect and hears the
// group; at a clean stop it says "offline" itself (then DISCONNECT: the will is not published); an adopter's first
// connection must find the member's session, or there is nothing to take over.
import type { MqttClient } from 'mqtt';
import { allCollectorPresence, collectorPresence } from '../../device/mqtt/topics.js';
import { presencePayload } from './member-presence.js';

/** At each connect: retained "online", and the group's presence (retained messages included) subscribed again. */
export function announce(client: MqttClient, group: string, clientId: string): void {
  client.publish(collectorPresence(group, clientId), presencePayload(group, clientId, 'online', new Date()), { qos: 1, retain: true });
  client.subscribe(allCollectorPresence(group), { qos: 1 });
}

/** Retained "offline" with the stop time, acknowledged by the broker before the caller disconnects. */
export function withdraw(client: MqttClient, group: string, clientId: string): Promise<void> {
  return client.publishAsync(collectorPresence(group, clientId), presencePayload(group, clientId, 'offline', new Date()), { qos: 1, retain: true }).then(
    () => undefined,
    () => undefined,
  );
}

/**
 * Resolves once connected to an existing session (the broker then delivers its messages); rejects, closing the
 * client, when the connection fails or the broker holds no session for this client id. `onClosed` runs once when the
 * adopted connection ends (the member took its session back, or the broker went away).
 */
export function adoptSession(client: MqttClient, onClosed?: () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let connected = false;
    client.once('connect', (ack) => {
      connected = true;
      if (ack.sessionPresent) return resolve();
      client.end(true);
      reject(new Error('the broker holds no session for this client id (expired, or never made): nothing to adopt'));
    });
    client.once('close', () => {
      if (!connected) {
        client.end(true);
        reject(new Error('could not connect to take over the session'));
        return;
      }
      onClosed?.();
    });
  });
}
