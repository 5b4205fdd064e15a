// Live proving-test readings: the register at the start and end of the settlement period, read through the driver
// and, where the model's energy quantity is documented, independently of it (raw-register-read.ts): that reading is
// the one proved, the driver's is a cross-check. A counter that can wrap within the period (CSE7766's 16 bits) is
// read often enough in between and extended. On a serial line only one reader may hold the port, so each reading
// opens and closes its own.
import type { Clock } from '../../drivers/clock.js';
import { registerWhileFlowing, type EnergyRegister, type MeterDriver } from '../../drivers/meter-driver.js';
import { add, mul, rational, sub, toNumber, type Rational } from '../../drivers/rational.js';
import { maxPollIntervalMs } from '../../drivers/uart/poll-interval.js';
import { ConfigError } from '../../drivers/errors.js';
import type { MeterConfig } from '../../device/config/gateway-config.js';
import { openConfiguredDriver } from './open-configured-driver.js';
import type { Channel } from '../../device/records/record-types.js';
import type { RegisterReading } from './proving-test.js';
import { openRawReader, rawWh, type RawCount, type RawReader } from './raw-register-read.js';

export interface LiveReadings {
  start: RegisterReading;
  end: RegisterReading;
  stepWh: number;
  powerFactor: number | null;
  /** Present when the register was read independently of the driver. */
  raw: { driverAdvanceWh: number; rawAdvanceWh: number; status: string; /** Seconds between the driver's and the raw read of each boundary, summed. */ apartS: number } | null;
}

/** Opens, uses and (for serial lines) closes again: a reader that must not hold the port between readings. */
function session<T extends { close(): Promise<void> }>(open: () => Promise<T>, keepOpen: boolean, opened: T | null = null): { use<R>(f: (t: T) => Promise<R>): Promise<R>; close(): Promise<void> } {
  let held: T | null = opened;
  return {
    async use(f) {
      const t = held ?? (await open());
      if (keepOpen) held = t;
      try {
        return await f(t);
      } finally {
        if (!keepOpen) await t.close();
      }
    },
    async close() {
      await held?.close();
      held = null;
    },
  };
}

/** Advance from one reading of a counter to the next, in counts, across at most one wrap. */
function countsAdvance(prev: bigint, cur: bigint, bits: number | null): bigint {
  let d = cur - prev;
  if (d < 0n && bits !== null) d += 1n << BigInt(bits);
  return d;
}

export async function readLive(meter: MeterConfig, channel: Channel, p: { startMs: number; endMs: number; label: string }, clock: Clock, log: (s: string) => void): Promise<LiveReadings> {
  const serial = 'serial' in meter.connection;
  // Fail fast, before waiting for the period: the meter opens as the gateway opens it (board profile included).
  const drv0 = await openConfiguredDriver(meter, clock);
  if (serial) await drv0.close();
  const probe = await openRawReader(meter.model, meter.connection, meter.unit ?? 1, clock, meter.board).catch(async (e: Error) => {
    if (!serial) await drv0.close().catch(() => {});
    throw new ConfigError('option', `cannot open ${meter.model} at ${JSON.stringify(meter.connection)} for the raw register: ${e.message}`);
  });
  const hasRaw = probe !== null;
  // A serial port admits one reader: close the probe, and open driver and raw reader in turn for each reading.
  if (probe && serial) await probe.close();
  const reopen = async (): Promise<RawReader> => (await openRawReader(meter.model, meter.connection, meter.unit ?? 1, clock, meter.board))!;
  const raw = probe ? session<RawReader>(reopen, !serial, serial ? null : probe) : null;
  // The ATM90E26 driver accumulates read-and-clear registers in the process: it must stay open for the period.
  const driver = session<MeterDriver>(() => openConfiguredDriver(meter, clock), !(serial && hasRaw), serial ? null : drv0);
  const maxPowerW = 1.1 * meter.ratedVoltageV * meter.maxCurrentA * meter.phases;
  const pollMs = maxPollIntervalMs(meter.model, meter.board, maxPowerW, 1);
  type Both = { d: { at: number; reg: EnergyRegister; pf: number | null }; r: RawCount | null };
  const readBoth = async (): Promise<Both> => {
    const d = await driver.use(async (drv) => {
      const s = await drv.sample();
      const reg = registerWhileFlowing(s, channel);
      if (!reg) throw new ConfigError('no-register', `the meter has no ${channel} register; expected a model that registers ${channel} energy`);
      return { at: s.at, reg, pf: s.instant.powerFactor ?? null };
    });
    const r = raw ? await raw.use((x) => x.read(channel)) : null;
    return { d, r };
  };
  try {
    log(`Waiting for the start of ${p.label} (${new Date(p.startMs).toISOString()}) ...`);
    await clock.sleep(p.startMs - clock.now());
    const first = await readBoth();
    const whOf = (reg: EnergyRegister, counts: bigint): Rational => mul(rational(counts), reg.whPerCount);
    log(`Start reading: ${toNumber(whOf(first.d.reg, first.d.reg.value)).toFixed(3)} Wh at ${new Date(first.d.at).toISOString()}; waiting for the end (${new Date(p.endMs).toISOString()}) ...`);
    let last = first;
    let driverCounts = 0n;
    let rawAdvance: Rational = rational(0n);
    const step = (next: Both): void => {
      const bits = last.d.reg.accumulatedByDriver ? null : last.d.reg.counterBits;
      driverCounts += countsAdvance(last.d.reg.value, next.d.reg.value, bits);
      if (last.r && next.r) {
        const d = countsAdvance(last.r.counts, next.r.counts, next.r.counterBits);
        rawAdvance = next.r.counterBits === null ? add(rawAdvance, sub(rawWh(next.r), rawWh(last.r))) : add(rawAdvance, mul(rational(d), next.r.whPerCount));
      }
      last = next;
    };
    // A counter that wraps faster than the period is read in between (at most one wrap per interval at Imax).
    while (pollMs !== null && clock.now() + pollMs < p.endMs) {
      await clock.sleep(pollMs);
      step(await readBoth());
    }
    await clock.sleep(Math.max(0, p.endMs - clock.now()));
    step(await readBoth());
    const startWh = whOf(first.d.reg, first.d.reg.value);
    const driverEnd = { at: last.d.at, wh: add(startWh, whOf(first.d.reg, driverCounts)) };
    log(`End reading: ${toNumber(driverEnd.wh).toFixed(3)} Wh at ${new Date(last.d.at).toISOString()}`);
    const stepWh = toNumber(first.d.reg.whPerCount) + (first.d.reg.floatUlpWh ?? 0);
    const driverAdvanceWh = toNumber(sub(driverEnd.wh, startWh));
    if (!first.r || !last.r) return { start: { at: first.d.at, wh: startWh }, end: driverEnd, stepWh, powerFactor: last.d.pf, raw: null };
    // The documented register, read without the driver, is what is proved; the driver's reading is a cross-check.
    const rawStart = rawWh(first.r);
    return {
      start: { at: first.r.at, wh: rawStart },
      end: { at: last.r.at, wh: add(rawStart, rawAdvance) },
      stepWh,
      powerFactor: last.d.pf,
      raw: { driverAdvanceWh, rawAdvanceWh: toNumber(rawAdvance), status: probe!.status, apartS: (Math.abs(first.r.at - first.d.at) + Math.abs(last.r.at - last.d.at)) / 1000 },
    };
  } finally {
    await raw?.close();
    await driver.close();
  }
}
