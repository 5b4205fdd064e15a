// A BL0942's 24-bit CF_CNT wraps in the middle of a half-hour: the gateway (real driver on a socat pty, simulator
// on the other end, fast clock) must extend the counter across the wrap, flag the interval and count no energy
// twice or not at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../drivers/catalog.js';
import { scaledClock } from '../../../drivers/clock.js';
import { demoConfig } from '../../../device/config/gateway-config.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { GatewayStore } from '../../../device/store/gateway-store.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { openPtyPair } from '../../helpers/pty-pair.js';

const SPEED = 300;
const WRAP_WH = (2 ** 24 * 1638.4 * 256) / 596 / 3600; // CF_CNT range in Wh for the default board (PREF 596)

test('24-bit counter wrapping mid-period', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amsgate-wrap-'));
  const clock = scaledClock(SPEED, Date.UTC(2026, 5, 1, 10, 20)); // battery profile charges at 4 kW from 10:00
  const pty = await openPtyPair();
  const entry = catalogEntry('bl0942');
  const line = entry.defaultLine!;
  const sim = await entry.startSimulator({ listen: { serial: pty.a, ...line }, clock, profile: 'battery', ratingW: 5000 });
  sim.physical.setRegisters(WRAP_WH - 700, 0); // wraps about 10 minutes in, inside 10:30-11:00
  const cfg = demoConfig(join(dir, 'data'));
  const { amsid, ...battery } = cfg.meters[1]!;
  cfg.meters = [{ ...battery, amsid: { import: amsid.import }, connection: { serial: pty.b, ...line } }];
  const intervals: IntervalRecord[] = [];
  const alarms: string[] = [];
  const gw = new Gateway({
    config: cfg, clock, brokerUrl: null,
    openMeter: async (m, c) => {
      const driver = await entry.openDriver(m.connection, { clock: c });
      return { driver, close: () => driver.close() };
    },
    onEvent: (e) => {
      if (e.type === 'interval') intervals.push(e.record);
      if (e.type === 'alarm') alarms.push(`${e.alarm.kind}:${e.alarm.state}`);
    },
  });
  try {
    await gw.start();
    const until = Date.UTC(2026, 5, 1, 11, 2);
    while (clock.now() < until) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await gw.stop();
    await sim.close();
    await pty.close();
  }
  // The BL0942 counts both directions: the wrap is extended on that counter, whose state the store keeps.
  const store = GatewayStore.open(join(cfg.storePath, 'gateway.db'));
  const counter = store.getCounterState<{ state: { extended: string } }>('battery', 'absolute');
  store.close();
  rmSync(dir, { recursive: true, force: true });
  assert.ok(counter && BigInt(counter.state.extended) >= 2n ** 24n, `extended counter continues past 2^24: ${JSON.stringify(counter)}`);
  const wrapped = intervals.find((r) => r.period.start === '2026-06-01T10:30:00Z');
  assert.ok(wrapped, `no 10:30 interval; got ${intervals.map((r) => r.period.start).join(', ')}`);
  assert.ok(wrapped.flags.includes('counter-wrap'), JSON.stringify(wrapped));
  // 4 kW for half an hour, give or take the simulator's voltage noise and count granularity.
  assert.ok(Math.abs(wrapped.energyWh - 2000) <= 20, `energy ${wrapped.energyWh} Wh`);
  assert.equal(wrapped.quality, 'actual');
  assert.not.ok(alarms.includes('counter-reset:raised'), alarms.join(','));
});

test.run();
