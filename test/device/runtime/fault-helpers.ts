// Shared by the runtime fault tests: a gateway on a manual clock against a FakeMeter, and an audit of what the
// store holds (every sequence number, every period, interval sum = register span).
import * as assert from 'uvu/assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManualClock } from '../../../drivers/clock.js';
import type { Gateway } from '../../../device/runtime/gateway.js';
import { demoConfig, type GatewayConfig } from '../../../device/config/gateway-config.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import { decodeCompactUnverified } from '../../../device/signing/jws.js';
import type { IntervalRecord, SignedRecordPayload } from '../../../device/records/record-types.js';

export const root = mkdtempSync(join(tmpdir(), 'amsgate-fault-'));
let n = 0;

export function faultConfig(): GatewayConfig {
  const c = demoConfig(join(root, `d${++n}`));
  c.meters = [{ ...c.meters[0]!, maxCurrentA: 100 }];
  c.pollIntervalMs = 10_000;
  c.persistIntervalMs = 300_000;
  return c;
}

/** Advances the clock in poll-sized steps, letting the gateway's loops run after each. */
export async function run(clock: ManualClock, ms: number, step = 10_000): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    await clock.advance(step);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  }
}

export interface Audit {
  records: SignedRecordPayload[];
  /** Latest revision per import half-hour, in period order. */
  intervals: IntervalRecord[];
  sumWh: number;
  /** Register end of the last interval minus register start of the first (whole Wh, 1 Wh per count). */
  spanWh: number;
  alarms: string[];
}

/** Reads every interval revision and every stored outbox record; asserts sequence and period completeness. */
export function audit(storePath: string, periodMs = 1_800_000): Audit {
  const s = GatewayStore.open(join(storePath, 'gateway.db'), { readonly: true });
  const compacts = new Map<number, string>();
  for (const m of s.db.prepare('SELECT payload FROM outbox ORDER BY id').all() as { payload: string }[]) {
    const p = decodeCompactUnverified(m.payload).payload as SignedRecordPayload;
    compacts.set(p.seq, m.payload);
  }
  for (const r of s.db.prepare('SELECT compact FROM intervals').all() as { compact: string }[]) {
    const p = decodeCompactUnverified(r.compact).payload as SignedRecordPayload;
    compacts.set(p.seq, r.compact);
  }
  s.close();
  const records = [...compacts.keys()].sort((a, b) => a - b).map((q) => decodeCompactUnverified(compacts.get(q)!).payload as SignedRecordPayload);
  assert.equal(records.map((r) => r.seq), records.map((_, i) => i + 1), 'every sequence number present');
  const latest = new Map<string, IntervalRecord>();
  for (const r of records) {
    if (r.type !== 'interval' || r.channel !== 'import' || r.period.resolution !== 'PT30M') continue;
    const cur = latest.get(r.period.start);
    if (!cur || r.revision > cur.revision) latest.set(r.period.start, r);
  }
  const intervals = [...latest.values()].sort((a, b) => Date.parse(a.period.start) - Date.parse(b.period.start));
  for (let i = 1; i < intervals.length; i++) {
    assert.is(Date.parse(intervals[i]!.period.start) - Date.parse(intervals[i - 1]!.period.start), periodMs, `period after ${intervals[i - 1]!.period.start} present`);
    assert.is(intervals[i]!.register.start, intervals[i - 1]!.register.end, `register continuous at ${intervals[i]!.period.start}`);
  }
  const sumWh = intervals.reduce((a, r) => a + r.energyWh, 0);
  const spanWh = intervals.length ? Number(intervals[intervals.length - 1]!.register.end) - Number(intervals[0]!.register.start) : 0;
  const alarms = records.filter((r) => r.type === 'alarm').map((r) => (r.type === 'alarm' ? `${r.alarm}:${r.state}` : ''));
  return { records, intervals, sumWh, spanWh, alarms };
}

/** Fills every free byte of the database under its page limit, so that the next write needing space fails. */
export function fillStore(gw: Gateway): void {
  const db = gw.store.db;
  db.exec('CREATE TABLE IF NOT EXISTS test_filler (b BLOB)');
  db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
  for (let size = 4096; size >= 1; size = Math.floor(size / 2)) {
    for (;;) {
      try {
        db.prepare('INSERT INTO test_filler VALUES (?)').run(Buffer.alloc(size));
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err;
        break;
      }
    }
  }
}

/** Gives the store its space back after fillStore. */
export function freeStore(gw: Gateway): void {
  gw.store.db.pragma('max_page_count = 1073741823');
  gw.store.db.exec('DROP TABLE test_filler');
}
