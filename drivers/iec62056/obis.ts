// OBIS addresses in IEC 62056-21 readouts (IEC 62056-6-1, standards.md 5): [A-B:]C.D.E[*F or &F]. Group F marks a
// historical value (the register as stored at the end of billing period F); only the code without F, or F = 255,
// is the current register. Tariff registers (1.8.1, 1.8.2) are other codes, never substitutes for 1.8.0.
import { FrameError } from '../errors.js';
import type { DataSet, Readout } from './data-block.js';

export interface Obis {
  /** Group A (1 = electricity), null in the short form. */
  medium: number | null;
  /** Group B, null in the short form. */
  channel: number | null;
  /** Groups C.D.E, e.g. "1.8.0" (or a letter code such as "C.1.0"). */
  core: string;
  /** Group F when it names a billing period; null for the current value (no F, or F = 255). */
  billingPeriod: number | null;
}

const OBIS_RE = /^(?:(\d{1,3})-(\d{1,3}):)?([^*&]+?)(?:[*&](\d{1,3}))?$/;

export function parseObis(address: string): Obis {
  const m = OBIS_RE.exec(address.trim());
  if (!m) return { medium: null, channel: null, core: address, billingPeriod: null };
  const f = m[4] === undefined ? null : Number(m[4]);
  return {
    medium: m[1] === undefined ? null : Number(m[1]),
    channel: m[2] === undefined ? null : Number(m[2]),
    core: m[3]!,
    billingPeriod: f === null || f === 255 ? null : f,
  };
}

/** Reduces "1-0:1.8.0*255", "1.8.0*01" or "1.8.0" to "1.8.0" (value groups C.D.E). */
export const obisCore = (address: string): string => parseObis(address).core;

/**
 * The current (not historical) data set for `core`, electricity only, on `channel` if given. Several current data
 * sets for one code (short and full form, several channels) must agree; if they do not, which one is meant cannot
 * be guessed and a FrameError names them.
 */
export function currentRegister(r: Readout, core: string, channel?: number): DataSet | undefined {
  const found = r.dataSets.filter((d) => {
    const o = parseObis(d.address);
    return o.core === core && o.billingPeriod === null && (o.medium === null || o.medium === 1) && (channel === undefined || o.channel === null || o.channel === channel);
  });
  const first = found[0];
  if (!first) return undefined;
  const text = (d: DataSet) => JSON.stringify(d.values[0] ?? null);
  const other = found.find((d) => text(d) !== text(first));
  if (other) {
    throw new FrameError(
      'ambiguous',
      `IEC 62056-21 readout has two different current values for ${core}: ${first.address}${text(first)} and ${other.address}${text(other)}; ` +
        'set the meter\'s channel (OBIS group B) to pick one',
    );
  }
  return first;
}
