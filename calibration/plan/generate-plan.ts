// Generates a plan that covers every row of the Type 5 table and the influence ranges (pure).
import { limitTableFor, type PfKind, type Supply } from '../limits/cop11-type5.js';
import { applicableRow } from '../limits/applicable-limit.js';
import { ConfigError } from '../../drivers/errors.js';
import { PLAN_FORMAT, planSchema, type Plan, type PlanPoint } from './plan-schema.js';

export interface PlanRequest {
  unV: number;
  inA: number;
  imaxA: number;
  supply: Supply;
  phases: 1 | 3;
  fnHz?: number;
  repetitions?: number;
  model?: string;
  /** Also test export (reverse energy flow) at every current and power factor. */
  export?: boolean;
  method?: 'register' | 'pulse';
  /** Add the IEC 62053-21 style starting, no-load and meter constant tests (defaults, see additional-tests.ts). */
  additional?: boolean;
  /** imp/kWh of the DUT's test output (pulse method). */
  meterConstantImpPerKWh?: number;
  /** Repeatability acceptance: largest standard deviation as a share of the limit (default 0.2, a bench choice). */
  maxSpreadShare?: number;
}

const round = (x: number, places = 3): number => Number(x.toFixed(places));

/** The currents tested: In, a point between In and 50 % Imax, 50 % Imax and Imax (duplicates dropped). */
export function testCurrents(inA: number, imaxA: number): { currentA: number; label: string }[] {
  const half = imaxA / 2;
  const out: { currentA: number; label: string }[] = [{ currentA: inA, label: 'In' }];
  if (half > inA) {
    out.push({ currentA: round((inA + half) / 2), label: 'between In and 50% Imax' });
    out.push({ currentA: round(half), label: '50% Imax' });
  }
  if (imaxA > inA) out.push({ currentA: imaxA, label: 'Imax' });
  return out;
}

export function generatePlan(req: PlanRequest): Plan {
  if (!(req.inA > 0) || !(req.imaxA >= req.inA)) {
    throw new ConfigError('plan-ratings', `need 0 < In <= Imax; got In ${req.inA} A, Imax ${req.imaxA} A`);
  }
  if (!(req.unV > 0)) throw new ConfigError('plan-ratings', `Un must be a positive voltage; got ${req.unV}`);
  const table = limitTableFor(req.supply);
  const ratings = { unV: req.unV, inA: req.inA, imaxA: req.imaxA };
  const fn = req.supply === 'ac' ? (req.fnHz ?? 50) : null;
  const pfs: { pf: number; kind: PfKind; tag: string }[] =
    req.supply === 'ac'
      ? [
          { pf: 1, kind: 'unity', tag: 'PF1' },
          { pf: 0.5, kind: 'lag', tag: 'PF0.5L' },
          { pf: 0.8, kind: 'lead', tag: 'PF0.8C' },
        ]
      : [{ pf: 1, kind: 'dc', tag: 'DC' }];
  const points: PlanPoint[] = [];
  const add = (p: Omit<PlanPoint, 'id' | 'limitPct' | 'row' | 'direction'> & { direction?: PlanPoint['direction'] }, tag: string): void => {
    const row = applicableRow(table, p, ratings);
    if (!row) return;
    const id = `P${String(points.length + 1).padStart(2, '0')}-${tag}`;
    points.push({ id, ...p, direction: p.direction ?? 'import', limitPct: row.limitPct, row: row.id });
  };
  const currents = testCurrents(req.inA, req.imaxA);
  for (const direction of req.export ? (['import', 'export'] as const) : (['import'] as const)) {
    for (const pf of pfs) {
      for (const c of currents) {
        const exp = direction === 'export';
        add(
          { currentA: c.currentA, voltageV: req.unV, pf: pf.pf, pfKind: pf.kind, frequencyHz: fn, direction, note: `${exp ? 'export, ' : ''}${c.label}, ${pf.tag}` },
          `${exp ? 'EXP-' : ''}${pf.tag}-I${c.currentA}`,
        );
      }
    }
  }
  // Influence ranges at a reference current (50 % Imax, PF 1): voltage 90 % / 110 % Un, frequency 49 / 51 Hz.
  const refI = currents.find((c) => c.label === '50% Imax')?.currentA ?? req.imaxA;
  const unity = pfs[0]!;
  for (const f of table.influence.voltageFraction) {
    add(
      { currentA: refI, voltageV: round(req.unV * f), pf: 1, pfKind: unity.kind, frequencyHz: fn, note: `${Math.round(f * 100)}% Un` },
      `U${Math.round(f * 100)}`,
    );
  }
  if (table.influence.frequencyHz && fn !== null) {
    for (const f of table.influence.frequencyHz) {
      add({ currentA: refI, voltageV: req.unV, pf: 1, pfKind: 'unity', frequencyHz: f, note: `${f} Hz` }, `F${f}`);
    }
  }
  return planSchema.parse({
    format: PLAN_FORMAT,
    table: table.id,
    method: req.method ?? 'register',
    additional: req.additional ? {} : undefined,
    device: { supply: req.supply, phases: req.phases, unV: req.unV, inA: req.inA, imaxA: req.imaxA, fnHz: fn, model: req.model, meterConstantImpPerKWh: req.meterConstantImpPerKWh },
    defaults: { repetitions: req.repetitions ?? 3, maxSpreadShare: req.maxSpreadShare },
    reference: { accuracyPct: 0.05 },
    operator: '',
    points,
  });
}
