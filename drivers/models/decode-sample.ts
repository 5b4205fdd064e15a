// A model's registers (as read) -> the runtime's InstantValues and EnergyRegisters (pure).
import type { EnergyDirection, EnergyRegister, InstantValues } from '../meter-driver.js';
import { FrameError } from '../errors.js';
import { REGISTER_WIDTH, type MeterModel, type Quantity, type RegisterDef } from './model-schema.js';
import { decodeEnergy, decodeNumber, RegisterNotAvailableError } from './register-codec.js';

/** Register words by address, as delivered by one round of reads (or produced by a simulator). */
export type RegisterImage = ReadonlyMap<number, number>;

export function wordsOf(image: RegisterImage, def: RegisterDef): number[] {
  const out: number[] = [];
  for (let a = def.address; a < def.address + REGISTER_WIDTH[def.type]; a++) {
    const w = image.get(a);
    if (w === undefined) throw new FrameError('register-missing', `register 0x${a.toString(16)} (${def.quantity}) was not read`);
    out.push(w);
  }
  return out;
}

/** The registers a sample reads: everything but identity registers. */
export function sampleRegisters(model: MeterModel): RegisterDef[] {
  return model.registers.filter((r) => r.quantity !== 'serial');
}

export interface DecodedSample {
  instant: InstantValues;
  energy: Partial<Record<EnergyDirection, EnergyRegister>>;
}

export function decodeSample(model: MeterModel, image: RegisterImage): DecodedSample {
  const byQ = new Map<Quantity, RegisterDef>(model.registers.map((r) => [r.quantity, r]));
  const sentinels = model.notAvailableSentinels === true;
  // "Not available" instantaneous values are left out, never reported as 0.
  const num = (q: Quantity): number | undefined => {
    const def = byQ.get(q);
    if (!def) return undefined;
    try {
      return decodeNumber(def, wordsOf(image, def), sentinels);
    } catch (e) {
      if (e instanceof RegisterNotAvailableError) return undefined;
      throw e;
    }
  };
  const perPhase = (prefix: string): number[] | undefined => {
    const vals: number[] = [];
    for (let p = 1; p <= model.phases; p++) {
      const v = num(`${prefix}_l${p}` as Quantity);
      if (v === undefined) return undefined;
      vals.push(v);
    }
    return vals;
  };
  const instant: InstantValues = {};
  const voltage = perPhase('voltage');
  if (voltage) instant.voltageV = voltage;
  const current = perPhase('current');
  if (current) instant.currentA = current;
  const phasePower = perPhase('power');
  if (phasePower) instant.phasePowerW = phasePower;
  const total = num('power_total') ?? phasePower?.reduce((a, b) => a + b, 0);
  if (total !== undefined) instant.powerW = total;
  const phasePf = perPhase('pf');
  if (phasePf) instant.phasePowerFactor = phasePf;
  const pf = num('pf_total') ?? (model.phases === 1 ? phasePf?.[0] : undefined);
  if (pf !== undefined) instant.powerFactor = pf;
  const angles = perPhase('phase_angle');
  if (angles) instant.phaseAngleDeg = angles;
  const f = num('frequency');
  if (f !== undefined) instant.frequencyHz = f;

  // Energy is what settlement rests on: "not available" there is an error, not a gap to fill.
  const energy: DecodedSample['energy'] = {};
  for (const def of model.registers) {
    if (def.energy) energy[def.energy.direction] = decodeEnergy(def, wordsOf(image, def), sentinels);
  }
  return { instant, energy };
}
