// Reads a Modbus meter's energy register straight from the bus and scales it with the maker's documented scale
// (register-scale.ts), not through the driver the gateway uses.
import type { ConnectionSpec } from '../../drivers/catalog.js';
import type { Clock } from '../../drivers/clock.js';
import { openModbusClient } from '../../drivers/modbus/open-client.js';
import { rational, type Rational } from '../../drivers/rational.js';
import type { Channel } from '../../device/records/record-types.js';
import { decodeRaw, RAW_ENERGY_REGISTERS, rawWordCount } from './register-scale.js';

export interface RawReader {
  /** Register in Wh, exact, and when it was read. */
  read(channel: Channel): Promise<{ at: number; wh: Rational }>;
  close(): Promise<void>;
}

/** null when the model has no documented register here (UART chips, IEC 62056). */
export async function openRawReader(model: string, conn: ConnectionSpec, unit: number, clock: Clock): Promise<RawReader | null> {
  const spec = RAW_ENERGY_REGISTERS[model];
  if (!spec) return null;
  const client = await openModbusClient(conn, { clock });
  return {
    async read(channel) {
      const words = await client.readRegisters(unit, spec.functionCode, spec.address[channel], rawWordCount(spec.encoding));
      const at = clock.now();
      const v = decodeRaw([...words], spec.encoding);
      // kWh x divideBy -> Wh: x 1000 / divideBy.
      return { at, wh: rational(v.num * 1000n, v.den * BigInt(spec.divideBy)) };
    },
    close: () => client.close(),
  };
}
