// The proving test's arithmetic (Elexon: "record the cumulative register reading over a Settlement Period while on
// site" and compare with what the instation received): register advance x the meter's multipliers against the
// interval's energy, allowing for register resolution, integer Wh and how far the readings were from the boundaries.
import { mul, rational, toNumber, type Rational } from '../../drivers/rational.js';
import { compensationFactor, type CompensationSettings } from '../../device/compensation/compensation.js';

/** Relative allowance on top of resolution and timing (the two figures come from the same register). */
export const PROVING_TOLERANCE_PCT = 0.5;

export interface RegisterReading {
  /** Clock time of the reading, ms. */
  at: number;
  /** Register value in Wh, exact. */
  wh: Rational;
}

export interface ReceivedInterval {
  id: string;
  energyWh: number;
  revision: number;
  quality: string;
  source: string;
}

export interface ProvingResult {
  pass: boolean;
  figures: Record<string, string>;
  detail: string;
  fix?: string;
}

export function compareProving(args: {
  periodStartMs: number;
  periodEndMs: number;
  start: RegisterReading;
  end: RegisterReading;
  /** Register step in Wh (resolution, plus the float ULP for float registers). */
  stepWh: number;
  compensation: CompensationSettings;
  powerFactor: number | null;
  received: ReceivedInterval | null;
  tolPct?: number;
}): ProvingResult {
  const factor = compensationFactor(args.compensation, args.powerFactor);
  const advance = { num: args.end.wh.num * args.start.wh.den - args.start.wh.num * args.end.wh.den, den: args.end.wh.den * args.start.wh.den };
  const expected = mul(rational(advance.num, advance.den), factor);
  const expectedWh = toNumber(expected);
  const periodMs = args.periodEndMs - args.periodStartMs;
  const skewMs = Math.abs(args.start.at - args.periodStartMs) + Math.abs(args.end.at - args.periodEndMs);
  const meanW = (expectedWh * 3_600_000) / periodMs;
  const allowed = 2 * args.stepWh * toNumber(factor) + 1 + Math.abs(meanW) * (skewMs / 3_600_000) + (Math.abs(expectedWh) * (args.tolPct ?? PROVING_TOLERANCE_PCT)) / 100;
  const figures: Record<string, string> = {
    'register start Wh': toNumber(args.start.wh).toFixed(3),
    'register end Wh': toNumber(args.end.wh).toFixed(3),
    'register advance Wh': toNumber(rational(advance.num, advance.den)).toFixed(3),
    'multiplier (CT x VT x loss x pulse x calibration x correction)': toNumber(factor).toFixed(6),
    'expected primary Wh': expectedWh.toFixed(3),
    'reading skew from the boundaries s': (skewMs / 1000).toFixed(1),
    'allowed difference Wh': allowed.toFixed(3),
  };
  if (!args.received) {
    return {
      pass: false,
      figures,
      detail: 'the instation has no interval for this settlement period',
      fix: 'check that the gateway publishes (amsgate status) and the collector runs; ask for a resend and repeat, or prove another settlement period',
    };
  }
  const diff = args.received.energyWh - expectedWh;
  figures['received Wh'] = String(args.received.energyWh);
  figures['received record'] = `${args.received.id} (revision ${args.received.revision}, ${args.received.quality}, from ${args.received.source})`;
  figures['difference Wh'] = diff.toFixed(3);
  const pass = Math.abs(diff) <= allowed;
  return {
    pass,
    figures,
    detail: pass
      ? `the instation received ${args.received.energyWh} Wh; the register gives ${expectedWh.toFixed(1)} Wh`
      : `the instation received ${args.received.energyWh} Wh but the register gives ${expectedWh.toFixed(1)} Wh (${diff > 0 ? '+' : ''}${diff.toFixed(1)} Wh)`,
    fix: pass ? undefined : 'compare the multipliers (CT/VT ratio, loss, pulse, calibration) in the gateway configuration with the Meter Technical Details; a mismatch is a key field error',
  };
}
