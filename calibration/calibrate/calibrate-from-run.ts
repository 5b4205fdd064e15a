// Derives corrections from a finished run and applies them: chip registers written and read back where
// the device has them, otherwise a calibration factor for the gateway's compensation config.
import { ConfigError, DeviceError } from '../../drivers/errors.js';
import type { Plan } from '../plan/plan-schema.js';
import type { ResultsStore } from '../run/results-store.js';
import type { ChipCalibrationPort } from '../sim/sim-dut.js';
import { deriveCorrections, type Corrections, type MeasuredPoint } from './corrections.js';
import { atm90e26NewRegisters, type AtmRegisters, type RmsCheck } from './chip-registers.js';
import { calibrationFactorString } from './calibration-factor.js';
import { bestGatewayFactor, type GatewayFactor } from './gateway-factor.js';
import { NEUTRAL_COMPENSATION, validateCompensation, type CompensationSettings } from '../../device/compensation/compensation.js';

export interface CalibrationOutcome {
  calibrationId: number;
  beforeRunId: number;
  method: 'atm90e26-registers' | 'gateway-factor';
  corrections: Corrections;
  registers?: { before: AtmRegisters; written: AtmRegisters; readBack: AtmRegisters };
  /** For the gateway compensation config: multiply register energy by this exact decimal. */
  calibrationFactor?: string;
  /** Phase error the gateway factor cannot correct (only chip registers can). */
  uncorrectedPhaseDeg?: number | null;
  /** How the factor was chosen: the smallest margin to a point's own limit it leaves, and the points setting it. */
  factorChoice?: GatewayFactor;
  /** The gateway compensation settings the re-run goes through (device/compensation). */
  compensation?: CompensationSettings;
}

export function measuredPointsOf(store: ResultsStore, runId: number): { plan: Plan; points: (MeasuredPoint & { limitPct: number; informative: boolean })[] } {
  const run = store.run(runId);
  if (!run) throw new ConfigError('no-run', `no run ${runId} in the results database`);
  const plan = JSON.parse(run.planJson) as Plan;
  const byId = new Map(plan.points.map((p) => [p.id, p]));
  // Import points only: one gain and phase per channel; export accuracy is judged, not calibrated.
  const points = store.points(runId).filter((r) => (byId.get(r.pointId)?.direction ?? 'import') === 'import').map((r) => {
    const p = byId.get(r.pointId)!;
    return { pointId: p.id, currentA: p.currentA, voltageV: p.voltageV, frequencyHz: p.frequencyHz, pf: p.pf, pfKind: p.pfKind, meanErrorPct: r.meanErrorPct, limitPct: r.limitPct, informative: r.informative === 1 };
  });
  if (points.length === 0) throw new ConfigError('no-results', `run ${runId} has no finished points to calibrate from`);
  return { plan, points };
}

export async function calibrateFromRun(o: {
  store: ResultsStore;
  runId: number;
  chip?: ChipCalibrationPort;
  rms?: RmsCheck | null;
  at: number;
}): Promise<CalibrationOutcome> {
  const { plan, points } = measuredPointsOf(o.store, o.runId);
  const corrections = deriveCorrections(points, plan.device.unV, plan.device.fnHz ?? null);
  if (o.chip) {
    const before = await o.chip.readCalibration();
    const written = atm90e26NewRegisters(before, corrections.gainFactor, corrections.phaseErrorDeg, o.rms ?? null);
    const readBack = await o.chip.writeCalibration(written);
    for (const k of ['Lgain', 'Lphi', 'Ugain', 'IgainL'] as const) {
      if (readBack[k] !== written[k]) {
        throw new DeviceError('calibration-readback', `wrote ${k} = 0x${written[k].toString(16)} but read back 0x${readBack[k].toString(16)}; the chip did not take the calibration (locked? checksum?)`);
      }
    }
    const id = o.store.addCalibration({
      beforeRunId: o.runId,
      afterRunId: null,
      method: 'atm90e26-registers',
      gainFactor: corrections.gainFactor,
      phaseErrorDeg: corrections.phaseErrorDeg,
      detailJson: JSON.stringify({ before, written, readBack, rms: o.rms ?? null }),
      at: o.at,
    });
    return { calibrationId: id, beforeRunId: o.runId, method: 'atm90e26-registers', corrections, registers: { before, written, readBack } };
  }
  // One factor for every point (it cannot correct phase): the largest smallest margin to each point's own limit.
  const deciding = points.filter((p) => !p.informative);
  const choice = bestGatewayFactor((deciding.length ? deciding : points).map((p) => ({ pointId: p.pointId, errorPct: p.meanErrorPct, limitPct: p.limitPct })));
  const factor = calibrationFactorString(choice.factor);
  const compensation: CompensationSettings = { ...NEUTRAL_COMPENSATION, calibrationFactor: factor };
  validateCompensation(compensation);
  const id = o.store.addCalibration({
    beforeRunId: o.runId,
    afterRunId: null,
    method: 'gateway-factor',
    gainFactor: choice.factor,
    phaseErrorDeg: corrections.phaseErrorDeg,
    detailJson: JSON.stringify({ calibrationFactor: factor, smallestMarginPct: choice.smallestMarginPct, binding: choice.binding }),
    at: o.at,
  });
  return { calibrationId: id, beforeRunId: o.runId, method: 'gateway-factor', corrections, calibrationFactor: factor, uncorrectedPhaseDeg: corrections.phaseErrorDeg, factorChoice: choice, compensation };
}
