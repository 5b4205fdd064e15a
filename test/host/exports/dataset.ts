// Deterministic interval records for the exporter tests and golden files.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { IntervalRecord, Resolution } from '../../../device/records/record-types.js';
import { SimDevice, type SimIdentity } from '../../../host-cli/collector/sim-device.js';
import { jwkThumbprint, publicJwkOf } from '../../../device/signing/device-key.js';
import { localDayStartMs, settlementPeriodsInDay } from '../../../device/settlement/periods.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

// A fixed Ed25519 key (test only) so that the fixtures are byte-stable.
const PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHdqoCsqI/TYO2QtMs3odwUFzYCPzGpnI7nKbuqxLdML
-----END PRIVATE KEY-----`;

export function fixedIdentity(device: string): SimIdentity {
  const privateKey = createPrivateKey(PEM);
  const publicJwk = publicJwkOf(privateKey);
  return { device, alg: 'EdDSA', privateKey, publicKey: createPublicKey(privateKey), publicJwk, kid: jwkThumbprint(publicJwk) };
}

/** Energy of a period: a deterministic pattern in Wh. */
export const energyAt = (i: number, channel: 'import' | 'export'): number => (channel === 'import' ? (i * 137 + 55) % 3700 : (i * 59) % 800);

/** Every period of the given settlement dates, both channels, for one device/meter. */
export function dayRecords(device: string, dates: string[], resolution: Resolution = 'PT30M', opts: { estimatedEvery?: number } = {}): { records: IntervalRecord[]; compacts: { topic: string; compact: string }[]; sim: SimDevice } {
  const sim = new SimDevice(fixedIdentity(device));
  const stepMs = resolution === 'PT15M' ? 900_000 : resolution === 'PT30M' ? 1_800_000 : 3_600_000;
  const records: IntervalRecord[] = [];
  const compacts: { topic: string; compact: string }[] = [];
  let i = 0;
  for (const d of dates) {
    const start = localDayStartMs(d);
    const n = (settlementPeriodsInDay(d) * 1_800_000) / stepMs;
    for (let k = 0; k < n; k++, i++) {
      for (const channel of ['import', 'export'] as const) {
        const r = sim.interval({
          start: start + k * stepMs, resolution, channel, energyWh: energyAt(i, channel), meter: 'm1',
          amsid: channel === 'import' ? '1900000000017' : '1900000000025',
          quality: opts.estimatedEvery && i % opts.estimatedEvery === 3 ? 'estimated' : 'actual',
        });
        records.push(r.payload);
        compacts.push({ topic: `amsgate/v1/${device}/interval`, compact: r.compact });
      }
    }
  }
  return { records, compacts, sim };
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'exports');

/** Byte-exact comparison with fixtures/exports/<name>; UPDATE_GOLDENS=1 rewrites the file. */
export function assertGolden(name: string, actual: string): void {
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_GOLDENS === '1' || !existsSync(path)) {
    if (process.env.UPDATE_GOLDENS !== '1') throw new Error(`golden ${path} is missing (run with UPDATE_GOLDENS=1 once and review it)`);
    writeFileSync(path, actual);
  }
  assert.fixture(actual, readFileSync(path, 'utf8'));
}

/**
 * A gateway publishing both PT15M and PT30M (as real gateways do: PT30M is mandatory) from one register: each
 * quarter hour q carries `energyAt(q)` Wh and each half hour the exact sum of its two quarters. Both series share
 * the register, so a half hour's register start is its first quarter's.
 */
export function mixedDayRecords(device: string, dates: string[]): { records: IntervalRecord[]; quarterWh: (startMs: number, channel: 'import' | 'export') => number } {
  const sim = new SimDevice(fixedIdentity(device));
  const records: IntervalRecord[] = [];
  const byStart = new Map<string, number>();
  let q = 0;
  for (const d of dates) {
    const start = localDayStartMs(d);
    const halves = settlementPeriodsInDay(d);
    for (let h = 0; h < halves; h++) {
      for (const channel of ['import', 'export'] as const) {
        const amsid = channel === 'import' ? '1900000000017' : '1900000000025';
        const s = start + h * 1_800_000;
        const e1 = energyAt(q, channel);
        const e2 = energyAt(q + 1, channel);
        const reg = 1_000_000n + BigInt(q) * 10_000n;
        records.push(sim.interval({ start: s, resolution: 'PT15M', channel, energyWh: e1, meter: 'm1', amsid, registerStart: reg }).payload);
        records.push(sim.interval({ start: s + 900_000, resolution: 'PT15M', channel, energyWh: e2, meter: 'm1', amsid, registerStart: reg + BigInt(e1) }).payload);
        records.push(sim.interval({ start: s, resolution: 'PT30M', channel, energyWh: e1 + e2, meter: 'm1', amsid, registerStart: reg }).payload);
        byStart.set(`${s}/${channel}`, e1);
        byStart.set(`${s + 900_000}/${channel}`, e2);
      }
      q += 2;
    }
  }
  return { records, quarterWh: (ms, channel) => byStart.get(`${ms}/${channel}`)! };
}
