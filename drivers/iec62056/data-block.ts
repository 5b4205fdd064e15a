// The IEC 62056-21 readout: STX, data lines, "!" CR LF, ETX, BCC (standards.md §5). Data sets have the
// form address(value*unit), several per line allowed; energy registers 1.8.0/2.8.0 become exact integers.
import { FrameError } from '../errors.js';
import { rational, type Rational } from '../rational.js';
import { ETX, STX, bcc } from './bcc.js';
import { parseObis } from './obis.js';

export interface DataSet {
  address: string;
  /** One entry per bracket: "001234.567" and "kWh" for (001234.567*kWh). */
  values: { value: string; unit: string | null }[];
}

export interface Readout {
  dataSets: DataSet[];
}

const MAX_BLOCK = 64 * 1024;
const MAX_ADDRESS = 32;
const MAX_VALUE = 128;

/** Builds a data block from data lines (without CR LF): STX lines "!" CR LF ETX BCC. */
export function encodeDataBlock(lines: string[]): Uint8Array {
  const text = `${lines.map((l) => `${l}\r\n`).join('')}!\r\n`;
  const body = Buffer.from(text, 'latin1');
  const out = new Uint8Array(body.length + 3);
  out[0] = STX;
  out.set(body, 1);
  out[body.length + 1] = ETX;
  out[body.length + 2] = bcc(out, 1, body.length + 2);
  return out;
}

/** Length of the complete block at the start of `b` (through the BCC), or null while incomplete. */
export function dataBlockLength(b: Uint8Array): number | null {
  const i = b.indexOf(ETX);
  return i >= 0 && i + 1 < b.length ? i + 2 : null;
}

function fail(what: string): never {
  throw new FrameError('data-block', `IEC 62056-21 data block: ${what}`);
}

/** Parses data lines (the text between STX and "!"). */
export function parseDataSets(text: string): DataSet[] {
  const sets: DataSet[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const open = text.indexOf('(', i);
    if (open < 0) fail(`data set without "(" at offset ${i}: ${JSON.stringify(text.slice(i, i + 20))}; expected address(value*unit)`);
    const address = text.slice(i, open);
    if (address.length === 0 || address.length > MAX_ADDRESS || /[()/!\r\n]/.test(address)) {
      fail(`bad address ${JSON.stringify(address.slice(0, 40))} at offset ${i}; expected 1..${MAX_ADDRESS} characters without ( ) / ! CR LF`);
    }
    i = open;
    const values: DataSet['values'] = [];
    while (i < n && text[i] === '(') {
      const close = text.indexOf(')', i + 1);
      if (close < 0) fail(`unclosed "(" at offset ${i}`);
      const inner = text.slice(i + 1, close);
      if (inner.length > MAX_VALUE || /[(/!\r\n]/.test(inner)) fail(`bad value ${JSON.stringify(inner.slice(0, 40))}; values exclude ( ) / ! CR LF`);
      const star = inner.indexOf('*');
      values.push(star >= 0 ? { value: inner.slice(0, star), unit: inner.slice(star + 1) } : { value: inner, unit: null });
      i = close + 1;
    }
    sets.push({ address, values });
  }
  return sets;
}

/** Checks STX, "!" CR LF, ETX and BCC, then parses the data sets. Bytes are taken as 7-bit ASCII. */
export function parseDataBlock(block: Uint8Array): Readout {
  if (block.length > MAX_BLOCK) fail(`${block.length} bytes is more than the ${MAX_BLOCK} accepted`);
  if (block.length < 4) fail(`${block.length} bytes is too short; expected STX ... ETX BCC`);
  if ((block[0]! & 0x7f) !== STX) fail(`first byte 0x${block[0]!.toString(16)}, expected STX (0x02)`);
  const etx = block.length - 2;
  if ((block[etx]! & 0x7f) !== ETX) fail(`byte before the BCC is 0x${block[etx]!.toString(16)}, expected ETX (0x03)`);
  const want = bcc(block, 1, etx + 1);
  const got = block[etx + 1]! & 0x7f;
  if (got !== want) {
    throw new FrameError('bcc', `IEC 62056-21 data block: BCC 0x${got.toString(16)}, expected 0x${want.toString(16)} (XOR of the bytes after STX through ETX)`);
  }
  let text = '';
  for (let k = 1; k < etx; k++) text += String.fromCharCode(block[k]! & 0x7f);
  const end = text.lastIndexOf('!');
  if (end < 0 || text.slice(end) !== '!\r\n') fail('no end line "!" CR LF before ETX');
  return { dataSets: parseDataSets(text.slice(0, end)) };
}

/** The first current data set for a code (billing-period values and other media skipped; obis.ts). For display values. */
export function findDataSet(r: Readout, core: string): DataSet | undefined {
  return r.dataSets.find((d) => {
    const o = parseObis(d.address);
    return o.core === core && o.billingPeriod === null && (o.medium === null || o.medium === 1);
  });
}

const UNIT_WH: Readonly<Record<string, bigint>> = { Wh: 1n, kWh: 1000n, MWh: 1_000_000n };

/**
 * An energy value as an exact integer count: the decimal digits define the resolution, so
 * "001234.567" kWh is 1234567 counts of 1 Wh.
 */
export function energyCounts(v: { value: string; unit: string | null }): { value: bigint; whPerCount: Rational } {
  const m = /^(\d{1,18})(?:\.(\d{1,9}))?$/.exec(v.value);
  if (!m) throw new FrameError('value', `energy value ${JSON.stringify(v.value)} is not a non-negative decimal number`);
  const unitWh = v.unit === null ? undefined : UNIT_WH[v.unit];
  if (unitWh === undefined) throw new FrameError('unit', `energy unit ${JSON.stringify(v.unit)}; expected Wh, kWh or MWh`);
  const frac = m[2] ?? '';
  return { value: BigInt(m[1]! + frac), whPerCount: rational(unitWh, 10n ** BigInt(frac.length)) };
}

/** Plain number of a data set value, for instantaneous quantities (display only). */
export function numericValue(d: DataSet | undefined): number | undefined {
  const v = d?.values[0]?.value;
  if (v === undefined || !/^[+-]?\d+(\.\d+)?$/.test(v)) return undefined;
  return Number(v);
}
