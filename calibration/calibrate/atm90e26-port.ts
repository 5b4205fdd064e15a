// Adapts the project's ATM90E26 driver to the bench's calibration port: register writes go through
// drivers/uart/atm90e26/calibration.ts (unlock, write, checksum, read-back verification).
import type { MeterDriver } from '../../drivers/meter-driver.js';
import { Atm90e26Driver } from '../../drivers/uart/atm90e26/driver.js';
import { readCalibration, writeCalibration } from '../../drivers/uart/atm90e26/calibration.js';
import type { AtmRegisters } from './chip-registers.js';
import type { ChipCalibrationPort } from '../sim/sim-dut.js';

export async function atm90e26ChipPort(driver: MeterDriver): Promise<ChipCalibrationPort | null> {
  if (!(driver instanceof Atm90e26Driver)) return null;
  const client = driver.client;
  const read = async (): Promise<AtmRegisters> => {
    const r = await readCalibration(client);
    return { Lgain: r.Lgain, Lphi: r.Lphi, Ugain: r.Ugain, IgainL: r.IgainL };
  };
  return {
    readCalibration: read,
    async writeCalibration(regs) {
      await writeCalibration(client, regs); // throws a DeviceError when the read-back or checksum disagrees
      return read();
    },
  };
}
