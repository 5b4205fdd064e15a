// A model's registers (as read) -> the runtime's InstantValues and EnergyRegisters (pure).
import type { EnergyDirection, EnergyRegister, InstantValues, UnavailableValue } from '../meter-driver.js';
import { FrameError } from '../errors.js';
import { REGISTER_WIDTH, type MeterModel, type Quantity, type RegisterDef } from './model-schema.js';
import { decodeEnergy, decodeNumber, RegisterNotAvailableError, unavailableReason } from './register-codec.js';

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
  /** Registers without a value this time, in the model's register order. */
  unavailable: UnavailableValue[];
}

export function decodeSample(model: MeterModel, image: RegisterImage): DecodedSample {
  const sentinels = model.notAvailableSentinels === true;
  // One value the meter cannot give must not cost the others: it is named and left out, never reported as 0.
  const unavailable: UnavailableValue[] = [];
  const readable = new Map<Quantity, RegisterDef>();
  for (const def of sampleRegisters(model)) {
    const reason = unavailableReason(def, wordsOf(image, def), sentinels);
    if (reason) unavailable.push({ name: def.quantity, address: def.address, reason });
    else readable.set(def.quantity, def);
  }
  const num = (q: Quantity): number | undefined => {
    const def = readable.get(q);
    return def && !def.energy ? decodeNumber(def, wordsOf(image, def), sentinels) : undefined;
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

  // Energy registers that read fine are used even when another one has no value (an import-only variant's export).
  const energy: DecodedSample['energy'] = {};
  const energyDefs = model.registers.filter((r) => r.energy);
  for (const def of energyDefs) {
    if (readable.has(def.quantity)) energy[def.energy!.direction] = decodeEnergy(def, wordsOf(image, def), sentinels);
  }
  if (energyDefs.length > 0 && Object.keys(energy).length === 0) {
    const named = unavailable.filter((u) => u.name.startsWith('energy_')).map((u) => `${u.name} at 0x${u.address.toString(16)} (${u.reason})`);
    throw new RegisterNotAvailableError('no-energy', `no energy register has a value: ${named.join(', ')}; the sample is not used`, { unavailable });
  }
  return { instant, energy, unavailable };
}
