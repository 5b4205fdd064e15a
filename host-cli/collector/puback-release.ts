// Releasing a committed batch's acknowledgements (collector.ts "deferred" mode): the held PUBACKs go out in arrival
// order, in one socket write, and only for messages of the current connection (a PUBACK on a new connection for a
// message of the old one would acknowledge a different message; the broker redelivers those instead).
import type { CollectorStats, Pending, SendPacket } from './collector-types.js';

export interface AckContext {
  /** The current connection's generation; messages of an older one are not acknowledged. */
  gen: number;
  byMessageId: Map<number, Pending>;
  origSend: SendPacket | null;
  stats: CollectorStats;
  stream: { cork?: () => void; uncork: () => void } | undefined;
}

/**
 * Holds back the PUBACKs mqtt.js writes through its internal `_sendPacket` for the messages `held` names (their
 * packet kept on the message for releaseAcks); every other packet goes out as usual. Returns the original sender.
 */
export function holdPubacks(internal: { _sendPacket: SendPacket }, client: object, held: (messageId: number) => Pending | undefined): SendPacket {
  const orig = internal._sendPacket.bind(client) as SendPacket;
  internal._sendPacket = (packet, cb, ...rest) => {
    const p = packet.cmd === 'puback' && packet.messageId !== undefined ? held(packet.messageId) : undefined;
    if (p) {
      p.puback = packet;
      cb?.();
      return;
    }
    orig(packet, cb, ...rest);
  };
  return orig;
}

export function releaseAcks(batch: Pending[], x: AckContext): void {
  // One write for the batch's PUBACKs instead of one per message: corked until this tick ends.
  const stream = x.stream;
  if (stream?.cork) {
    stream.cork();
    process.nextTick(() => stream.uncork());
  }
  for (const p of batch) {
    if (p.ack) {
      if (p.gen === x.gen) {
        p.ack();
        x.stats.acked++;
      }
      continue;
    }
    if (p.messageId === undefined) continue;
    const held = x.byMessageId.get(p.messageId);
    if (held === p) x.byMessageId.delete(p.messageId);
    if (p.gen === x.gen && p.puback && x.origSend) {
      x.origSend(p.puback as { cmd: string; messageId?: number });
      x.stats.acked++;
    }
  }
}
