// An adopter as adoption.ts needs it: a Collector in adopter mode under the dead member's client id, with the same
// store, batching and rules as the collector that starts it; its log lines name the member it speaks for.
import { Collector } from './collector.js';
import type { CollectorOptions } from './collector-types.js';
import type { Adopter } from './adoption.js';

export function startAdopter(base: CollectorOptions, member: string, log: (e: Record<string, unknown>) => void): Promise<Adopter> {
  let ended!: () => void;
  const closed = new Promise<void>((r) => (ended = r));
  const c = new Collector({
    ...base,
    clientId: member,
    adopter: true,
    presence: false,
    onMemberPresence: undefined,
    onReply: undefined,
    log: (e) => log({ ...e, adoptedFor: member }),
    onClosed: () => ended(),
  });
  return c.start().then(() => ({
    closed,
    stop: async () => {
      await c.stop();
      log({ event: 'adopter-stopped', adoptedFor: member, ...c.stats });
    },
  }));
}
