// The export channel's transformer correction must use the power factor as seen in the export flow direction.
// Oracle: the phasor physics of standards.md §8.1 with the current angle of an exporting site (the simulator's
// convention, drivers/sim/physical-meter.ts: angle 180° + φ, PF reported negative when reactive power is negative
// in the import direction), and the §8.1 worked example (εI −0.2 %, δI +10′, εU +0.1 %, δU +5′: +0.0087 % at 0.8
// lag, −0.2093 % at 0.8 lead), which holds in the flow direction of either channel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { ManualClock } from '../../../drivers/clock.js';
import { flowPowerFactor, NEUTRAL_COMPENSATION, transformerErrorRatio, type CompensationSettings } from '../../../device/compensation/compensation.js';
import { Gateway } from '../../../device/runtime/gateway.js';
import { FakeMeter } from '../runtime/fake-meter.js';
import { audit, faultConfig, root, run } from '../runtime/fault-helpers.js';

const example: CompensationSettings = { ...NEUTRAL_COMPENSATION, ctRatioErrorPct: -0.2, ctPhaseMinutes: 10, vtRatioErrorPct: 0.1, vtPhaseMinutes: 5 };
const MINUTE = Math.PI / (180 * 60);
/** P_meas / P_true from the phasors: current at angle theta (load convention, degrees) behind the voltage. */
const physics = (thetaDeg: number): number => {
  const t = (thetaDeg * Math.PI) / 180;
  return (0.998 * 1.001 * Math.cos(t - 10 * MINUTE + 5 * MINUTE)) / Math.cos(t);
};
const phi = (Math.acos(0.8) * 180) / Math.PI;

test('export at PF 0.8, 10′ CT phase error: the correction matches the phasors in the export direction', () => {
  // Exporting, current lagging in the generator sense: angle 180° + φ; the driver reports PF −0.8 (Q < 0 import-side).
  const lagging = transformerErrorRatio(example, flowPowerFactor('export', -0.8));
  assert.is(((lagging - 1) * 100).toFixed(4), '0.0087');
  assert.ok(Math.abs(lagging - physics(180 + phi)) < 1e-12, `${lagging} vs ${physics(180 + phi)}`);
  const leading = transformerErrorRatio(example, flowPowerFactor('export', 0.8));
  assert.is(((leading - 1) * 100).toFixed(4), '-0.2093');
  assert.ok(Math.abs(leading - physics(180 - phi)) < 1e-12);
  // Import is unchanged.
  assert.ok(Math.abs(transformerErrorRatio(example, flowPowerFactor('import', 0.8)) - physics(phi)) < 1e-12);
  assert.is(flowPowerFactor('export', null), null);
});

test('the gateway compensates an exporting battery with the export-direction PF', async () => {
  const cfg = faultConfig();
  const m = cfg.meters[0]!;
  cfg.meters = [{ ...m, amsid: { import: m.amsid.import, export: m.amsid.import }, compensation: example }];
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  const meter = new FakeMeter(clock);
  meter.powerW = -10_000; // 10 kW out, for an hour: 10 000 register Wh
  meter.powerFactor = -0.8;
  const gw = new Gateway({ config: cfg, clock, openMeter: meter.opener(), brokerUrl: null });
  await gw.start();
  await run(clock, 3_600_000);
  await gw.stop();
  const a = audit(cfg.storePath);
  const exp = a.records.filter((r) => r.type === 'interval' && r.channel === 'export');
  const counts = exp.reduce((s, r) => s + (r.type === 'interval' ? Number(r.rawCounts) : 0), 0);
  const wh = exp.reduce((s, r) => s + (r.type === 'interval' ? r.energyWh : 0), 0);
  // Primary Wh = counts / (P_meas / P_true) at 0.8 lag: 0.0087 % below the register, not 0.21 % above it.
  assert.is(counts, 9973);
  assert.is(wh, Math.floor(counts / physics(180 + phi)));
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
