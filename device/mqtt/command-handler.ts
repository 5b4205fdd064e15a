// Parses commands arriving on topics.command(device) and produces replies (command-types.ts). The actions
// (resend, test alarm) are injected so that this file does no I/O of its own.
import { z } from 'zod';
import type { GatewayCommand, GatewayReply } from './command-types.js';

const commandSchema = z.discriminatedUnion('type', [
  z.object({ id: z.string().min(1), type: z.literal('ping'), sentAt: z.string() }),
  // Two forms: a period range {from, to, meter?} or a sequence range {fromSeq, toSeq}.
  z
    .object({
      id: z.string().min(1),
      type: z.literal('resend'),
      from: z.string().optional(),
      to: z.string().optional(),
      meter: z.string().optional(),
      fromSeq: z.number().int().min(1).optional(),
      toSeq: z.number().int().min(1).optional(),
    })
    .refine((c) => (c.from !== undefined && c.to !== undefined && c.fromSeq === undefined && c.toSeq === undefined) || (c.fromSeq !== undefined && c.toSeq !== undefined && c.from === undefined && c.to === undefined && c.meter === undefined), {
      message: 'resend takes either from and to (ISO times, optional meter) or fromSeq and toSeq (integers >= 1)',
    }),
  z.object({ id: z.string().min(1), type: z.literal('test-alarm') }),
]);

/** Bounded so that one command cannot queue the whole store at once (split longer ranges). */
export const MAX_SEQ_RANGE = 100_000;

export interface CommandActions {
  deviceId: string;
  nowMs(): number;
  /** Re-queues the latest revision of every stored interval starting in [fromMs, toMs); returns how many. */
  resend(fromMs: number, toMs: number, meter?: string): number;
  /** Re-queues every stored record with fromSeq <= seq <= toSeq, whatever its type. */
  resendSeq(fromSeq: number, toSeq: number): { records: number; notStored: number };
  /** Raises and clears the test alarm; returns whether it was raised. */
  testAlarm(): boolean;
}

export function parseCommand(payload: string): GatewayCommand | { error: string; id: string } {
  let obj: unknown;
  try {
    obj = JSON.parse(payload);
  } catch {
    return { id: '', error: 'command is not JSON; expected {"id":..,"type":"ping"|"resend"|"test-alarm",..}' };
  }
  const r = commandSchema.safeParse(obj);
  if (!r.success) {
    const id = typeof (obj as { id?: unknown })?.id === 'string' ? (obj as { id: string }).id : '';
    const issue = r.error.issues[0];
    return { id, error: `bad command: ${issue ? `${issue.path.join('.') || 'type'}: ${issue.message}` : 'invalid'}` };
  }
  return r.data as GatewayCommand;
}

export function handleCommand(payload: string, a: CommandActions): GatewayReply {
  const c = parseCommand(payload);
  if ('error' in c) return { id: c.id, type: 'error', error: c.error };
  switch (c.type) {
    case 'ping':
      return { id: c.id, type: 'pong', sentAt: c.sentAt, receivedAt: new Date(a.nowMs()).toISOString(), device: a.deviceId };
    case 'resend': {
      if ('fromSeq' in c) {
        if (c.toSeq < c.fromSeq) return { id: c.id, type: 'error', error: `resend needs fromSeq <= toSeq; got fromSeq=${c.fromSeq} toSeq=${c.toSeq}` };
        if (c.toSeq - c.fromSeq >= MAX_SEQ_RANGE) return { id: c.id, type: 'error', error: `resend covers at most ${MAX_SEQ_RANGE} seqs per command; got ${c.toSeq - c.fromSeq + 1}` };
        return { id: c.id, type: 'resend', ...a.resendSeq(c.fromSeq, c.toSeq) };
      }
      const from = Date.parse(c.from);
      const to = Date.parse(c.to);
      if (Number.isNaN(from) || Number.isNaN(to) || to <= from) {
        return { id: c.id, type: 'error', error: `resend needs ISO times with from < to; got from="${c.from}" to="${c.to}"` };
      }
      return { id: c.id, type: 'resend', records: a.resend(from, to, c.meter) };
    }
    case 'test-alarm':
      return { id: c.id, type: 'test-alarm', raised: a.testAlarm() };
  }
}
