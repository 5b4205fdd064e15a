// The test plan file a lab edits (YAML or JSON): its shape, checked field by field with zod.
import { z } from 'zod';

export const PLAN_FORMAT = 'amsgate-bench-plan/1';

export const pointSchema = z.object({
  id: z.string().min(1),
  /** Per-phase current, A. */
  currentA: z.number().positive(),
  /** Per-phase (line-to-neutral) voltage, V. */
  voltageV: z.number().positive(),
  /** Power factor magnitude (1 for d.c.). */
  pf: z.number().gt(0).lte(1),
  pfKind: z.enum(['unity', 'lag', 'lead', 'dc']),
  /** Energy flow: import into the asset (charging) or export from it (battery discharge, V2G). */
  direction: z.enum(['import', 'export']).default('import'),
  /** Hz; null for d.c. */
  frequencyHz: z.number().positive().nullable(),
  /** Limit of error to judge this point against, +- percent (may be tighter than the table, never looser). */
  limitPct: z.number().positive(),
  /** Table row the limit comes from, e.g. "T4-R1". */
  row: z.string().nullable().optional(),
  repetitions: z.number().int().optional(),
  /** Fixed measuring time per repetition, s; when absent the resolution rule chooses it. */
  durationS: z.number().positive().optional(),
  /** Measured and reported, but never decides the run's verdict (also any point no table row covers). */
  informative: z.boolean().optional(),
  note: z.string().optional(),
});

export const planSchema = z.object({
  format: z.literal(PLAN_FORMAT),
  table: z.string(),
  /** register: start-stop register readings; pulse: the DUT's test output pulses (meter constant) against the reference. */
  method: z.enum(['register', 'pulse']).default('register'),
  device: z.object({
    supply: z.enum(['ac', 'dc']),
    phases: z.union([z.literal(1), z.literal(3)]),
    unV: z.number().positive(),
    inA: z.number().positive(),
    imaxA: z.number().positive(),
    fnHz: z.number().positive().nullable().default(50),
    /** Make, model, serial and firmware for the certificate where the driver cannot say. */
    make: z.string().optional(),
    model: z.string().optional(),
    serial: z.string().optional(),
    firmware: z.string().optional(),
    /** Meter constant of the DUT's test output (LED or S0), impulses per kWh: needed by the pulse method. */
    meterConstantImpPerKWh: z.number().positive().optional(),
  }),
  defaults: z.object({
    repetitions: z.number().int().default(3),
    /** Time at the point with output on before the first repetition, s. */
    settleS: z.number().nonnegative().default(10),
    /** Wait after switching the output off before reading registers (meters update registers late), s. */
    registerSettleS: z.number().nonnegative().default(2),
    /** Shortest measuring time per repetition, s. */
    minDurationS: z.number().positive().default(30),
    /** Longest measuring time the resolution rule may ask for before the plan is refused, s. */
    maxDurationS: z.number().positive().default(4 * 3600),
    /** Share of the limit the register resolution may use up (0.1 = a tenth). */
    resolutionShare: z.number().positive().lte(1).default(0.1),
    /** Repeatability acceptance: a point whose standard deviation exceeds this share of its limit is not accepted. */
    maxSpreadShare: z.number().positive().lte(1).default(0.2),
  }),
  reference: z
    .object({
      /** Accuracy class of the reference standard, +- percent (treated as a rectangular distribution). */
      accuracyPct: z.number().nonnegative().default(0.05),
      /** Expanded uncertainty (k=2) from its calibration certificate, percent: used instead when given. */
      certificateUncertaintyPct: z.number().nonnegative().optional(),
      /** The standard's own calibration certificate: its number and when the next calibration is due (YYYY-MM-DD). */
      certificateNumber: z.string().optional(),
      calibrationDue: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').optional(),
    })
    .default({ accuracyPct: 0.05 }),
  /** Reference conditions of the test; what was measured is recorded by "bench run", not written here. */
  environment: z
    .object({
      referenceTemperatureC: z.number().default(23),
      toleranceC: z.number().positive().default(2),
      notes: z.string().optional(),
    })
    .default({ referenceTemperatureC: 23, toleranceC: 2 }),
  operator: z.string().default(''),
  /** IEC 62053-21 style tests additional to CoP11 Table 4/5 (starting, no-load, meter constant); absent: not run. */
  additional: z
    .object({
      startingCurrentA: z.number().positive().optional(),
      startingMaxS: z.number().positive().optional(),
      noLoadS: z.number().positive().optional(),
      meterConstantEnergyWh: z.number().positive().optional(),
    })
    .optional(),
  /** Who tests (the laboratory) and for whom (the customer); shown on the certificate. */
  laboratory: z.string().default(''),
  customer: z.string().default(''),
  points: z.array(pointSchema).min(1),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanPoint = z.infer<typeof pointSchema>;

/**
 * Angle by which current lags voltage for a point, degrees in (-180, 180] (negative = leading, 0 for d.c.
 * import). An export point is its import point with the current reversed: 180 degrees added.
 */
export function phaseDegOf(p: Pick<PlanPoint, 'pf' | 'pfKind'> & { direction?: 'import' | 'export' }): number {
  const a = (Math.acos(Math.min(1, p.pf)) * 180) / Math.PI;
  const base = p.pfKind === 'lag' ? a : p.pfKind === 'lead' ? -a : 0;
  if (p.direction !== 'export') return base;
  const r = base + 180;
  return r > 180 ? r - 360 : r;
}

/** Total active power at a point, W. */
export function pointPowerW(p: PlanPoint, phases: number): number {
  return phases * p.voltageV * p.currentA * (p.pfKind === 'dc' ? 1 : p.pf);
}
