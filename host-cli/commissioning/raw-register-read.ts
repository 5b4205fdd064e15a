// Reads a meter's energy register straight from the bus or line and scales it as its maker documents it
// (register-scale.ts for Modbus meters, chip-energy-scale.ts for UART chips and IEC 62056-21), not through the
// driver the gateway uses.
import type { ConnectionSpec } from '../../drivers/catalog.js';
import type { Clock } from '../../drivers/clock.js';
import { openModbusClient } from '../../drivers/modbus/open-client.js';
import { mul, rational, type Rational } from '../../drivers/rational.js';
import type { BoardChoice } from '../../drivers/uart/board-profile.js';
import type { Channel } from '../../device/records/record-types.js';
import { openChipReader } from './raw-chip-read.js';
import { decodeRaw, RAW_ENERGY_REGISTERS, rawWordCount } from './register-scale.js';

/** One reading: the counter, the Wh of one count (exact), its width when it wraps, and the register in Wh. */
export interface RawCount {
  at: number;
  counts: bigint;
  whPerCount: Rational;
  /** Binary width of a wrapping counter; null for registers that do not wrap within a period. */
  counterBits: number | null;
}

export interface RawReader {
  read(channel: Channel): Promise<RawCount>;
  close(): Promise<void>;
  /** Where the scale comes from, with its status tag. */
  status: string;
}

export const rawWh = (r: RawCount): Rational => mul(rational(r.counts), r.whPerCount);

/** null when the model has no documented energy quantity here (ATM90E26, model files). */
export async function openRawReader(model: string, conn: ConnectionSpec, unit: number, clock: Clock, board?: BoardChoice): Promise<RawReader | null> {
  const spec = RAW_ENERGY_REGISTERS[model];
  if (!spec) return openChipReader(model, conn, clock, board);
  const client = await openModbusClient(conn, { clock });
  return {
    status: spec.status,
    async read(channel) {
      const words = await client.readRegisters(unit, spec.functionCode, spec.address[channel], rawWordCount(spec.encoding));
      const at = clock.now();
      const v = decodeRaw([...words], spec.encoding);
      // kWh x divideBy -> Wh: x 1000 / divideBy.
      return { at, counts: v.num, whPerCount: rational(1000n, v.den * BigInt(spec.divideBy)), counterBits: null };
    },
    close: () => client.close(),
  };
}
