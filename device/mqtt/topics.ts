// Every MQTT topic amsgate uses, in one place (docs/mqtt-topics.md describes them).
export const TOPIC_ROOT = 'amsgate/v1';

export const topics = {
  /** Signed interval records, QoS 1. Payload: JWS compact string. */
  interval: (device: string) => `${TOPIC_ROOT}/${device}/interval`,
  /** Signed alarm records, QoS 1. Payload: JWS compact string. */
  alarm: (device: string) => `${TOPIC_ROOT}/${device}/alarm`,
  /** Operational telemetry, QoS 0, Axle labels. Payload: JSON. */
  telemetry: (device: string) => `${TOPIC_ROOT}/${device}/telemetry`,
  /** Retained "online"/"offline" JSON status; the last will sets offline. */
  status: (device: string) => `${TOPIC_ROOT}/${device}/status`,
  /** Commands to the gateway (ping, resend), QoS 1. */
  command: (device: string) => `${TOPIC_ROOT}/${device}/cmd`,
  /** Replies to commands, QoS 1, correlated by the command's id. */
  reply: (device: string) => `${TOPIC_ROOT}/${device}/reply`,
  /** Wildcards for a head-end. */
  allIntervals: `${TOPIC_ROOT}/+/interval`,
  allAlarms: `${TOPIC_ROOT}/+/alarm`,
  allReplies: `${TOPIC_ROOT}/+/reply`,
} as const;

/**
 * Head-end collectors' presence, one retained message per member of a group (docs/mqtt-topics.md): "online" at
 * connect, "offline" at a clean stop and as the last will. Under its own root, apart from the gateways' topics.
 */
export const COLLECTOR_ROOT = 'amsgate/head-end';
export const collectorPresence = (group: string, clientId: string): string => `${COLLECTOR_ROOT}/${group}/${clientId}`;
export const allCollectorPresence = (group: string): string => `${COLLECTOR_ROOT}/${group}/+`;

/** Shared subscription so that several collectors split one fleet's stream. */
export const shared = (group: string, topic: string): string => `$share/${group}/${topic}`;

/** Extracts the device id from a topic under TOPIC_ROOT, or null. */
export function deviceOfTopic(topic: string): string | null {
  const parts = topic.split('/');
  return parts.length >= 4 && `${parts[0]}/${parts[1]}` === TOPIC_ROOT ? parts[2]! : null;
}
