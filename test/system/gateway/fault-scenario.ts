// One fault scenario of the system suite: a simulated SDM630 on a shared fast timeline, a head-end on the real
// Mosquitto, gateway child processes. The meter carries no load at both ends of the run, so its register is still
// when the first reading is taken and when the last period closes: the energy delivered must then equal the
// simulator's advance EXACTLY, as the SDM630 encodes it (float32 kWh, docs/meter-models.md) and the driver counts
// it (whole Wh, round half away), computed here from the simulator's physics and never from the gateway.
import * as assert from 'uvu/assert';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogEntry } from '../../../drivers/catalog.js';
import type { IntervalRecord } from '../../../device/records/record-types.js';
import { bundleGateway, exited, HeadEnd, judge, spawnGateway, timeline, writeConfig, type Timeline } from './campaign-helpers.js';

const PERIOD = 1_800_000;
const IDLE = { voltageV: 230, currentA: 0, phaseDeg: 0, frequencyHz: 50 };
type Sim = Awaited<ReturnType<ReturnType<typeof catalogEntry>['startSimulator']>>;

/** The SDM630's import register as the driver reads it: float32 kWh, rounded to whole Wh. */
export const registerWh = (simWh: number): number => Math.round(Math.fround(simWh / 1000) * 1000);

export interface ScenarioResult {
  intervals: IntervalRecord[];
  sumWh: number;
  spanWh: number;
  simAdvanceWh: number;
  records: number;
  summary: string;
}

export class Scenario {
  log = '';
  readonly dir: string;
  readonly deviceId: string;
  config = '';
  private startWh = 0;
  private constructor(
    readonly name: string,
    readonly speed: number,
    readonly tl: Timeline,
    readonly sim: Sim,
    readonly head: HeadEnd,
    dir: string,
    deviceId: string,
  ) {
    this.dir = dir;
    this.deviceId = deviceId;
  }

  /** Starts simulator (idle) and head-end; writes the gateway config with `extra` fields. */
  static async start(name: string, speed: number, extra: Record<string, unknown> = {}, simStartMs = Date.UTC(2026, 2, 1, 0, 0)): Promise<Scenario> {
    bundleGateway();
    const dir = mkdtempSync(join(tmpdir(), `amsgate-${name}-`));
    const deviceId = `${name}-${process.pid}-${Date.now() % 100000}`;
    const tl = timeline(speed, simStartMs);
    const sim = await catalogEntry('sdm630').startSimulator({ listen: { tcp: '127.0.0.1:0' }, unit: 1, clock: tl.clock, profile: 'constant', ratingW: 7000 });
    sim.physical.setRegisters(1_234_567.891, 0);
    sim.physical.force(IDLE);
    const head = await HeadEnd.start(deviceId);
    const s = new Scenario(name, speed, tl, sim, head, dir, deviceId);
    s.config = writeConfig(dir, deviceId, Number(sim.address.split(':').pop()), extra);
    s.startWh = sim.physical.state().importWh;
    return s;
  }

  private readonly startedOf = new WeakMap<ChildProcess, Promise<void>>();

  spawn(env: Record<string, string> = {}, origin = this.tl.origin): ChildProcess {
    const child = spawnGateway(this.config, this.speed, origin, (t) => (this.log = (this.log + t).slice(-6000)), env);
    this.startedOf.set(child, new Promise((r) => child.once('started', () => r())));
    return child;
  }

  /** Resolves once the child has opened its store and started polling. */
  started(child: ChildProcess): Promise<void> {
    return this.startedOf.get(child) ?? Promise.resolve();
  }

  /** Waits until the shared timeline has moved `ms` of simulated time. */
  async simWait(ms: number): Promise<void> {
    const until = this.tl.clock.now() + ms;
    while (this.tl.clock.now() < until) await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, (until - this.tl.clock.now()) / this.speed))));
  }

  /** Waits until the shared timeline reaches `simMs`. */
  async simWaitUntil(simMs: number): Promise<void> {
    await this.simWait(simMs - this.tl.clock.now());
  }

  /** Waits for a condition on what the head-end holds (bounded; the message names what did not happen). */
  async until(what: string, ok: () => boolean, realMs = 60_000): Promise<void> {
    const deadline = Date.now() + realMs;
    while (!ok()) {
      if (Date.now() > deadline) assert.unreachable(`${this.name}: ${what} did not happen within ${realMs} ms\n${this.log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  load(on: boolean): void {
    this.sim.physical.force(on ? null : IDLE);
  }

  /** Readings in the gateway's store (0 while it has none or cannot be read yet). */
  storedReadings(): number {
    const storePath = (JSON.parse(readFileSync(this.config, 'utf8')) as { storePath: string }).storePath;
    try {
      const db = new Database(join(storePath, 'gateway.db'), { readonly: true, fileMustExist: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
      } finally {
        db.close();
      }
    } catch {
      return 0;
    }
  }

  /** Started, and the first reading of the idle register is in the store (however slow the machine). */
  async firstReading(gw: ChildProcess): Promise<void> {
    await this.started(gw);
    await this.until('the first reading in the store', () => this.storedReadings() > 0);
  }

  /**
   * Ends the run: no load, a whole period closed after that, a clean stop; then every sequence number, every
   * period and the exact energy are checked. `gatewayAheadMs`: how far the gateway's wall clock runs ahead of the
   * timeline (a stepped clock), so that the closing period is one the gateway starts after the load is off.
   */
  async finish(gw: ChildProcess | null, respawn = false, gatewayAheadMs = 0): Promise<ScenarioResult> {
    this.load(false);
    const idleFrom = Math.ceil((this.tl.clock.now() + Math.max(0, gatewayAheadMs) + 60_000) / PERIOD) * PERIOD;
    let child = gw;
    if (respawn || !child || child.exitCode !== null || child.signalCode !== null) child = this.spawn();
    await this.until(`an interval starting at or after ${new Date(idleFrom).toISOString()}`, () =>
      this.head.received.some((r) => r.payload.type === 'interval' && Date.parse(r.payload.period.start) >= idleFrom), 120_000);
    child.kill('SIGTERM');
    await exited(child);
    await new Promise((r) => setTimeout(r, 300));
    const endWh = this.sim.physical.state().importWh;
    const v = judge(this.head.received, PERIOD);
    assert.equal(v.problems, [], `${this.name}: ` + v.problems.slice(0, 10).join('\n') + `\n${this.log}`);
    const ivs = v.intervals.filter((r) => r.channel === 'import' && r.period.resolution === 'PT30M');
    const sumWh = ivs.reduce((a, r) => a + r.energyWh, 0);
    const spanWh = Number(ivs[ivs.length - 1]!.register.end) - Number(ivs[0]!.register.start);
    const simAdvanceWh = registerWh(endWh) - registerWh(this.startWh);
    const summary = `${this.name}: ${v.records} distinct records, ${v.duplicatesOnWire} duplicate deliveries; ${ivs.length} half-hours ` +
      `${ivs[0]!.period.start}..${ivs[ivs.length - 1]!.period.end}; sum ${sumWh} Wh, register span ${spanWh} Wh, simulator advance ${simAdvanceWh} Wh`;
    console.log(summary);
    assert.ok(ivs.every((r) => r.register.whPerCount === '1'), 'the SDM630 counts whole Wh');
    assert.is(sumWh, spanWh, `${this.name}: intervals sum to the register span`);
    assert.is(sumWh, simAdvanceWh, `${this.name}: delivered energy equals the simulator's advance\n${this.log}`);
    return { intervals: ivs, sumWh, spanWh, simAdvanceWh, records: v.records, summary };
  }

  /** Alarm records received, as "kind:state" in arrival order (first delivery of each). */
  alarms(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const r of this.head.received) {
      if (r.payload.type !== 'alarm' || seen.has(r.payload.id)) continue;
      seen.add(r.payload.id);
      out.push(`${r.payload.alarm}:${r.payload.state}`);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.head.close();
    await this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
