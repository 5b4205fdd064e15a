// Does the device at a unit look like a given model? Reads the model's identifying registers and checks that
// they decode to plausible values. Used by `amsgate discover`; bounded by the client's timeout and retries.
import type { ModbusClient } from '../modbus-client.js';
import { DeviceError, FrameError, TimeoutError } from '../errors.js';
import { REGISTER_WIDTH, type MeterModel, type Quantity } from './model-schema.js';
import { decodeNumber } from './register-codec.js';

export type ProbeOutcome =
  | { match: true; values: Partial<Record<Quantity, number>> }
  /**
   * silent: nothing answered (no device at this unit); garbled: damaged frames (wrong line settings?);
   * refused: a Modbus exception (a device, not this model); implausible: the values do not fit this model.
   */
  | { match: false; reason: 'silent' | 'garbled' | 'refused' | 'implausible'; detail: string };

export async function probeModel(client: ModbusClient, model: MeterModel, unit: number): Promise<ProbeOutcome> {
  const values: Partial<Record<Quantity, number>> = {};
  for (const check of model.probe) {
    const def = model.registers.find((r) => r.quantity === check.quantity)!;
    let words: Uint16Array;
    try {
      words = await client.readRegisters(unit, model.functionCode, def.address, REGISTER_WIDTH[def.type]);
    } catch (e) {
      if (e instanceof TimeoutError) return { match: false, reason: 'silent', detail: e.message };
      // Damaged frames: something is on the line, but not at these line settings (or the wiring is noisy).
      if (e instanceof FrameError) return { match: false, reason: 'garbled', detail: e.message };
      if (e instanceof DeviceError) {
        // Exception 10/11 is a TCP gateway saying the unit behind it did not answer.
        const code = (e.context as { exceptionCode?: number }).exceptionCode;
        return { match: false, reason: code === 11 || code === 10 ? 'silent' : 'refused', detail: e.message };
      }
      throw e;
    }
    let v: number;
    try {
      v = decodeNumber(def, words, model.notAvailableSentinels === true);
    } catch (e) {
      // NaN floats or not-available patterns: not this model (or not a plausible reading).
      if (e instanceof FrameError || e instanceof DeviceError) return { match: false, reason: 'implausible', detail: e.message };
      throw e;
    }
    if (!Number.isFinite(v) || (check.min !== undefined && v < check.min) || (check.max !== undefined && v > check.max)) {
      return { match: false, reason: 'implausible', detail: `${check.quantity} reads ${v}, expected ${check.min ?? '-inf'}..${check.max ?? 'inf'}` };
    }
    values[check.quantity] = v;
  }
  return { match: true, values };
}

/** Models in the order discover should try them: the most specific probes first (SDM630 before SDM120). */
export function probeOrder(models: readonly MeterModel[]): MeterModel[] {
  return [...models].sort((a, b) => b.probe.length - a.probe.length);
}
