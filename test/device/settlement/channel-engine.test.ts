import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NEUTRAL_COMPENSATION } from '../../../device/compensation/compensation.js';
import {
  applyReading,
  closeDue,
  initialChannelState,
  type ChannelReading,
  type ChannelState,
  type ClosedInterval,
  type EngineConfig,
} from '../../../device/settlement/channel-engine.js';
import { extendCounter, type CounterState } from '../../../device/settlement/counter-extension.js';
import { rational } from '../../../drivers/rational.js';

const T0 = Date.parse('2026-06-01T10:00:00Z');
const MIN = 60_000;
const cfg: EngineConfig = {
  resolution: 'PT30M',
  compensation: NEUTRAL_COMPENSATION,
  limits: { nominalVoltageV: 230, maxCurrentA: 32 },
  closeAfterMs: 5 * MIN,
  maxGapMs: 15 * MIN,
};

function reading(atMs: number, extended: bigint, extra: Partial<ChannelReading> = {}): ChannelReading {
  return { atMs, extended, whPerCount: rational(1n), pf: null, voltageV: 230, frequencyHz: 50, currentA: 10, alarmActive: false, event: 'none', ...extra };
}

class Channel {
  state: ChannelState = initialChannelState();
  out: ClosedInterval[] = [];
  constructor(readonly c: EngineConfig = cfg) {}
  read(r: ChannelReading): void {
    const res = applyReading(this.state, r, this.c);
    this.state = JSON.parse(JSON.stringify(res.state));
    this.out.push(...res.closed);
  }
  now(ms: number): void {
    const res = closeDue(this.state, ms, this.c);
    this.state = res.state;
    this.out.push(...res.closed);
  }
  latest(): Map<number, ClosedInterval> {
    const m = new Map<number, ClosedInterval>();
    for (const i of this.out) m.set(i.period.startMs, i);
    return m;
  }
}

test('minute readings over two periods: actual, exact energy, full coverage', () => {
  const ch = new Channel();
  for (let m = 0; m <= 60; m++) ch.read(reading(T0 + m * MIN, BigInt(1000 + m * 100)));
  assert.is(ch.out.length, 2);
  const [a, b] = ch.out;
  assert.equal([a!.energyWh, a!.rawCounts, a!.quality, a!.coveragePermille, a!.flags, a!.revision], [3000n, 3000n, 'actual', 1000, [], 0]);
  assert.equal([b!.energyWh, b!.period.settlementPeriod, b!.period.settlementDate], [3000n, 24, '2026-06-01']  /* 10:30 UTC = 11:30 BST */);
  assert.equal(a!.registerStart, rational(1000n));
  assert.equal(a!.registerEnd, rational(4000n));
});

test('an advance straddling a boundary is apportioned linearly in time', () => {
  const ch = new Channel();
  ch.read(reading(T0 + 20 * MIN, 0n));
  ch.read(reading(T0 + 25 * MIN, 100n));
  ch.read(reading(T0 + 35 * MIN, 1100n)); // 1000 counts over 10 min, half of it before 10:30
  assert.is(ch.out.length, 1);
  assert.is(ch.out[0]!.energyWh, 600n);
  assert.equal(ch.out[0]!.registerEnd, rational(600n));
  assert.is(ch.out[0]!.quality, 'estimated'); // began mid-period: first reading at 10:20
  assert.is(ch.out[0]!.coveragePermille, 333);
  assert.equal(ch.out[0]!.flags, ['gap']);
});

test('a 24-bit counter wrapping mid-period: energy continuous, flag counter-wrap', () => {
  const ch = new Channel({ ...cfg, resolution: 'PT15M' });
  let cs: CounterState | null = null;
  const top = (1n << 24n) - 500n;
  const raws = [top - 2000n, top - 1000n, top, 200n, 1200n, 2200n];
  raws.forEach((raw, i) => {
    const e = extendCounter(cs, raw, 24);
    cs = e.state;
    ch.read(reading(T0 + i * 5 * MIN, e.extended, { event: e.event }));
  });
  // periods 10:00-10:15 (readings at 0,5,10,15) and 10:15-10:30 (15,20,25 -> still open)
  assert.is(ch.out.length, 1);
  assert.is(ch.out[0]!.energyWh, 2000n + 700n);
  assert.equal(ch.out[0]!.flags, ['counter-wrap']);
  ch.now(T0 + 60 * MIN);
  const second = ch.out[1]!;
  assert.is(second.energyWh, 2000n);
  assert.equal(second.flags, ['gap']); // provisional: comms lost after 10:25
});

test('a meter replaced mid-period: meter-reset flag, no energy invented or lost', () => {
  const ch = new Channel();
  let cs: CounterState | null = null;
  const raws = [8_000_000n, 8_000_500n, 8_001_000n, 0n, 300n, 800n, 1300n];
  raws.forEach((raw, i) => {
    const e = extendCounter(cs, raw, null);
    cs = e.state;
    ch.read(reading(T0 + i * 5 * MIN, e.extended, { event: e.event }));
  });
  assert.is(ch.out.length, 1);
  assert.is(ch.out[0]!.energyWh, 1000n + 0n + 300n + 500n + 500n);
  assert.equal(ch.out[0]!.flags, ['meter-reset']);
  assert.is(ch.out[0]!.quality, 'actual');
});

test('compensation: exact multipliers, and the transformer correction applied per advance with its pf', () => {
  const comp = { ...NEUTRAL_COMPENSATION, ctRatio: '40', lossMultiplier: '1.02' };
  const ch = new Channel({ ...cfg, compensation: comp });
  ch.read(reading(T0, 0n, { whPerCount: rational(10n) }));
  ch.read(reading(T0 + 15 * MIN, 3n, { whPerCount: rational(10n) }));
  ch.read(reading(T0 + 30 * MIN, 7n, { whPerCount: rational(10n) }));
  assert.is(ch.out[0]!.energyWh, 2856n); // 7 x 10 x 40 x 1.02 = 2856 exactly
  const withCt = { ...comp, ctRatioErrorPct: -0.2, ctPhaseMinutes: 10, vtRatioErrorPct: 0.1, vtPhaseMinutes: 5 };
  const ch2 = new Channel({ ...cfg, compensation: withCt });
  ch2.read(reading(T0, 0n, { whPerCount: rational(10n) }));
  ch2.read(reading(T0 + 15 * MIN, 1000n, { whPerCount: rational(10n), pf: 0.8 }));
  ch2.read(reading(T0 + 30 * MIN, 2000n, { whPerCount: rational(10n), pf: -0.8 }));
  // 408 000 Wh per 1000 counts; 0.8 lag reads 0.0087 % high, 0.8 lead 0.2093 % low
  const expected = 408_000 / 1.000087 + 408_000 / (1 - 0.002093);
  assert.ok(Math.abs(Number(ch2.out[0]!.energyWh) - expected) < 3, `${ch2.out[0]!.energyWh} vs ${expected}`);
});

test('extended counts going backwards (counter state lost): re-anchored, later energy counted, meter-reset flag', () => {
  const ch = new Channel();
  ch.read(reading(T0, 5_000_000n));
  ch.read(reading(T0 + 10 * MIN, 5_000_100n));
  ch.read(reading(T0 + 15 * MIN, 200n, { event: 'first' })); // a fresh extendCounter started again from the raw value
  ch.read(reading(T0 + 20 * MIN, 260n));
  ch.read(reading(T0 + 30 * MIN, 300n));
  assert.equal([ch.out[0]!.energyWh, ch.out[0]!.rawCounts, ch.out[0]!.flags], [200n, 200n, ['meter-reset']]);
  const s = JSON.parse(JSON.stringify(ch.state)) as ChannelState;
  assert.is(s.countsOffset, String(5_000_100n - 200n));
  ch.read(reading(T0 + 45 * MIN, 350n));
  ch.read(reading(T0 + 60 * MIN, 400n));
  assert.equal([ch.out[1]!.energyWh, ch.out[1]!.flags], [100n, []]);
});

test('limits flag the period the reading falls in', () => {
  const ch = new Channel();
  ch.read(reading(T0, 0n));
  ch.read(reading(T0 + 5 * MIN, 10n, { voltageV: 206 })); // below 90 % of 230 = 207
  ch.read(reading(T0 + 10 * MIN, 20n, { frequencyHz: 51.2, alarmActive: true }));
  ch.read(reading(T0 + 20 * MIN, 30n, { currentA: 32.1 }));
  ch.read(reading(T0 + 30 * MIN, 40n, { voltageV: 253 })); // exactly 110 %: inside
  ch.read(reading(T0 + 40 * MIN, 50n, { voltageV: 253.5 }));
  ch.read(reading(T0 + 60 * MIN, 60n));
  assert.equal(ch.out[0]!.flags, ['voltage-out-of-range', 'frequency-out-of-range', 'overcurrent', 'alarm-active']);
  assert.equal(ch.out[1]!.flags, ['voltage-out-of-range', 'gap']); // 40 -> 60 is 20 min > maxGap
  assert.is(ch.out[1]!.coveragePermille, 333);
});

test('comms lost: provisional estimated intervals, then late data re-issues them with revision 1', () => {
  const ch = new Channel();
  for (let m = 0; m <= 20; m += 5) ch.read(reading(T0 + m * MIN, BigInt(m * 10)));
  ch.now(T0 + 36 * MIN); // 10:00-10:30 is due
  assert.is(ch.out.length, 1);
  assert.equal([ch.out[0]!.energyWh, ch.out[0]!.quality, ch.out[0]!.coveragePermille, ch.out[0]!.flags], [200n, 'estimated', 666, ['gap']]);
  ch.now(T0 + 95 * MIN); // 10:30-11:00 and 11:00-11:30 are due, empty
  assert.is(ch.out.length, 3);
  assert.equal(ch.out.slice(1).map((i) => [i.energyWh, i.coveragePermille, i.revision]), [[0n, 0, 0], [0n, 0, 0]]);
  // comms back at 11:20 with 700 more counts since 10:20
  ch.read(reading(T0 + 80 * MIN, 900n));
  const re = ch.out.slice(3);
  assert.equal(re.map((i) => [new Date(i.period.startMs).toISOString().slice(11, 16), i.energyWh, i.revision]), [
    ['10:00', 316n, 1], // 200 + 700 x 10/60 = 316.67
    ['10:30', 350n, 1], // 666.67 - 316.67
  ]);
  assert.equal(re[0]!.flags, ['gap', 'late-data']);
  // 11:00 stays issued as empty until it is final or due again
  ch.read(reading(T0 + 90 * MIN, 1000n));
  const last = ch.out.at(-1)!;
  assert.equal([last.energyWh, last.revision, last.flags], [334n, 1, ['gap', 'late-data']] /* 1000 - 666.67 */);
  let sum = 0n;
  for (const i of ch.latest().values()) sum += i.energyWh;
  assert.is(sum, 1000n);
});

test('readings exactly maxGapMs apart still cover; one ms more is a gap', () => {
  const ch = new Channel({ ...cfg, resolution: 'PT15M' });
  ch.read(reading(T0, 0n));
  ch.read(reading(T0 + 15 * MIN, 15n));
  ch.read(reading(T0 + 30 * MIN + 1, 30n));
  assert.equal([ch.out[0]!.quality, ch.out[0]!.coveragePermille, ch.out[0]!.flags], ['actual', 1000, []]);
  assert.equal([ch.out[1]!.quality, ch.out[1]!.coveragePermille, ch.out[1]!.flags], ['estimated', 0, ['gap']]);
});

test('state is bounded during a long outage', () => {
  const ch = new Channel({ ...cfg, resolution: 'PT15M' });
  ch.read(reading(T0, 0n));
  ch.now(T0 + 7 * 24 * 60 * MIN);
  assert.is(ch.out.length, 7 * 96 - 1);
  assert.ok(JSON.stringify(ch.state).length < 1000);
});

test('closeDue issues at most maxEmptyPerClose empty periods per call and continues on the next', () => {
  const ch = new Channel({ ...cfg, maxEmptyPerClose: 10 });
  ch.read(reading(T0, 0n));
  const now = T0 + 24 * 60 * MIN;
  ch.now(now);
  assert.is(ch.out.length, 11); // the open period + 10 empty
  ch.now(now);
  ch.now(now);
  ch.now(now);
  ch.now(now);
  assert.is(ch.out.length, 47);
  const starts = ch.out.map((i) => i.period.startMs);
  assert.is(new Set(starts).size, starts.length);
});

test('readings not after the last are ignored; config changes are refused', () => {
  const ch = new Channel();
  ch.read(reading(T0, 0n));
  const r = applyReading(ch.state, reading(T0, 5n), cfg);
  assert.is(r.ignored, 'not-after-last');
  assert.throws(() => applyReading(ch.state, reading(T0 + MIN, 5n), { ...cfg, resolution: 'PT15M' }), /built at PT30M/);
});

test.run();
