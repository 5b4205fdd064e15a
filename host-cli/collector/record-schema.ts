// Shape check of a signed record's payload (device/records/record-types.ts) before anything trusts its fields.
import { z } from 'zod';
import type { SignedRecordPayload } from '../../device/records/record-types.js';
import { formatKwh } from '../exports/kwh.js';

const iso = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), {
  message: 'expected an ISO 8601 date-time with offset',
});
const decInt = z.string().regex(/^-?\d+$/, 'expected a decimal integer string');

const common = {
  v: z.literal(1),
  id: z.string().min(1).max(200),
  dev: z.string().min(1).max(200),
  seq: z.number().int().min(1),
  prev: z.string().regex(/^[A-Za-z0-9_-]*$/, 'expected base64url or ""'),
  kid: z.string().min(1),
  created: iso,
};

const interval = z.object({
  ...common,
  type: z.literal('interval'),
  meter: z.object({ id: z.string().min(1), serial: z.string(), model: z.string() }),
  amsid: z.string(),
  channel: z.enum(['import', 'export']),
  period: z.object({
    start: iso,
    end: iso,
    resolution: z.enum(['PT15M', 'PT30M', 'PT60M']),
    settlementDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    settlementPeriod: z.number().int().min(1).max(50).nullable(),
  }),
  energyWh: z.number().int(),
  energyKwh: z.string().regex(/^-?\d+\.\d{3}$/),
  rawCounts: decInt,
  register: z.object({ start: decInt, end: decInt, whPerCount: z.string().regex(/^\d+(\.\d+)?$/) }),
  quality: z.enum(['actual', 'estimated']),
  coveragePermille: z.number().int().min(0).max(1000),
  flags: z.array(z.string()),
  revision: z.number().int().min(0),
});

const alarm = z.object({
  ...common,
  type: z.literal('alarm'),
  alarm: z.string().min(1),
  meter: z.string().nullable(),
  state: z.enum(['raised', 'cleared']),
  at: iso,
  detail: z.string(),
});

const record = z.discriminatedUnion('type', [interval, alarm]);

/** Returns the typed payload, or a one-line description of the first problems (field path: message). */
export function checkPayload(payload: unknown): { ok: true; value: SignedRecordPayload } | { ok: false; error: string } {
  const r = record.safeParse(payload);
  if (r.success) {
    const v = r.data as SignedRecordPayload;
    if (v.type === 'interval') {
      const wh = v.energyWh;
      const expected = formatKwh(BigInt(wh));
      if (v.energyKwh !== expected) return { ok: false, error: `energyKwh: "${v.energyKwh}" does not equal energyWh ${wh} / 1000 ("${expected}")` };
      if (Date.parse(v.period.end) <= Date.parse(v.period.start)) return { ok: false, error: 'period: end must be after start' };
    }
    return { ok: true, value: v };
  }
  const msgs = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: msgs.join('; ') };
}

