// A collector group's members announce themselves (retained "online"; "offline" at a clean stop and as the last
// will), so that a survivor can take over a dead member's session until it returns (adoption.ts). Topic names:
// device/mqtt/topics.ts; payloads: docs/mqtt-topics.md.
import { collectorPresence, COLLECTOR_ROOT } from '../../device/mqtt/topics.js';

export type MemberState = 'online' | 'offline';

export interface MemberPresence {
  group: string;
  member: string;
  state: MemberState;
  /** Absent in the last will (the broker publishes it when the member is gone, at a time it does not say). */
  at?: string;
}

/** A client id can name a presence topic only without MQTT's separators and wildcards. */
export const presenceCapable = (clientId: string, group: string): boolean => !/[/+#\u0000]/.test(clientId) && !/[/+#\u0000]/.test(group) && clientId !== '' && group !== '';

export function presencePayload(group: string, member: string, state: MemberState, at?: Date): string {
  return JSON.stringify({ state, group, member, ...(at ? { at: at.toISOString() } : {}) });
}

/** The last will a member connects with: its presence topic, "offline", retained, QoS 1. */
export function presenceWill(group: string, member: string): { topic: string; payload: string; qos: 1; retain: true } {
  return { topic: collectorPresence(group, member), payload: presencePayload(group, member, 'offline'), qos: 1, retain: true };
}

/** Reads a presence message; null for anything that is not one (another topic, bad JSON, a topic/payload mismatch). */
export function readPresence(topic: string, text: string): MemberPresence | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== COLLECTOR_ROOT) return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const o = v as Partial<MemberPresence> | null;
  if (!o || (o.state !== 'online' && o.state !== 'offline') || o.group !== parts[2] || o.member !== parts[3]) return null;
  return { group: o.group, member: o.member, state: o.state, ...(typeof o.at === 'string' ? { at: o.at } : {}) };
}
