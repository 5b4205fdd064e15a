// Adapts the project's ATM90E26 driver to the bench's calibration port: register writes go through
// drivers/uart/atm90e26/calibration.ts (unlock, write, checksum, read-back). Loaded at run time so the bench
// still builds and runs for other devices if that module is absent or changes shape.
import type { MeterDriver } from '../../drivers/meter-driver.js';
import type { AtmRegisters } from './chip-registers.js';
import type { ChipCalibrationPort } from '../sim/sim-dut.js';

interface Atm90e26CalibrationModule {
  readCalibration(c: unknown): Promise<AtmRegisters>;
  writeCalibration(c: unknown, cal: AtmRegisters): Promise<void>;
}

const MODULE = '../../drivers/uart/atm90e26/calibration.js';

export async function atm90e26ChipPort(driver: MeterDriver): Promise<ChipCalibrationPort | null> {
  const client = (driver as unknown as { client?: unknown }).client;
  if (!client) return null;
  let mod: Atm90e26CalibrationModule;
  try {
    mod = (await import(MODULE)) as Atm90e26CalibrationModule;
  } catch {
    return null;
  }
  const pick = (r: AtmRegisters): AtmRegisters => ({ Lgain: r.Lgain, Lphi: r.Lphi, Ugain: r.Ugain, IgainL: r.IgainL });
  return {
    async readCalibration() {
      return pick(await mod.readCalibration(client));
    },
    async writeCalibration(regs) {
      await mod.writeCalibration(client, regs);
      return pick(await mod.readCalibration(client));
    },
  };
}
