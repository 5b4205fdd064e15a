// IEC 62056-21 mode C messages before the data (standards.md §5): sign-on request, identification and
// acknowledgement/option select. All are ASCII lines ending CR LF.
import { FrameError } from '../errors.js';

/** Mode C baud characters ([V-code] pwitab/aquaticus). */
export const MODE_C_BAUD: Readonly<Record<string, number>> = {
  '0': 300,
  '1': 600,
  '2': 1200,
  '3': 2400,
  '4': 4800,
  '5': 9600,
  '6': 19200,
};

export function baudChar(baud: number): string {
  const c = Object.entries(MODE_C_BAUD).find(([, b]) => b === baud)?.[0];
  if (!c) throw new RangeError(`${baud} baud has no mode C baud character; use one of ${Object.values(MODE_C_BAUD).join(', ')}`);
  return c;
}

const ADDRESS_RE = /^[0-9A-Za-z ]{0,32}$/;

export function encodeSignOn(address = ''): string {
  if (!ADDRESS_RE.test(address)) throw new RangeError(`device address "${address}" must be up to 32 letters, digits or spaces`);
  return `/?${address}!\r\n`;
}

/** Parses a sign-on line (without CR LF); returns the device address ('' = any meter). */
export function parseSignOn(line: string): string {
  const m = /^\/\?([0-9A-Za-z ]{0,32})!$/.exec(line);
  if (!m) throw new FrameError('sign-on', `not a sign-on request: ${JSON.stringify(line)}; expected "/?[address]!"`);
  return m[1]!;
}

export interface Identification {
  /** Three-letter manufacturer (FLAG) id. */
  manufacturer: string;
  /** The baud character Z. */
  baudChar: string;
  /** Z's baud rate in mode C, or null when Z says another mode (B letters). */
  baud: number | null;
  /** "\W" enhanced capability (e.g. \2 for mode E), if present. */
  enhanced: string | null;
  ident: string;
}

export function encodeIdentification(manufacturer: string, z: string, ident: string): string {
  if (!/^[A-Za-z]{3}$/.test(manufacturer)) throw new RangeError(`manufacturer id must be 3 letters, got "${manufacturer}"`);
  if (!/^[ -~]{1,16}$/.test(ident) || /[/!]/.test(ident)) throw new RangeError(`identification must be 1..16 printable characters without / or !, got "${ident}"`);
  return `/${manufacturer}${z}${ident}\r\n`;
}

/** Parses an identification line (without CR LF). */
export function parseIdentification(line: string): Identification {
  const m = /^\/([A-Za-z]{3})([0-9A-Z])(\\[0-9A-Z])?([ -~]{1,16})$/.exec(line);
  if (!m) {
    throw new FrameError('identification', `not an identification message: ${JSON.stringify(line)}; expected "/XXXZ ident" (3-letter maker, baud character, up to 16 characters)`);
  }
  return { manufacturer: m[1]!, baudChar: m[2]!, baud: MODE_C_BAUD[m[2]!] ?? null, enhanced: m[3] ? m[3].slice(1) : null, ident: m[4]! };
}

/** ACK V Z Y CR LF: V protocol control ('0' normal), Z baud character, Y mode ('0' data readout). */
export function encodeAckOptionSelect(z: string, mode = '0', control = '0'): string {
  return `\x06${control}${z}${mode}\r\n`;
}

export function parseAckOptionSelect(line: string): { control: string; baudChar: string; mode: string } {
  const m = /^\x06([0-9])([0-9A-Z])([0-9])$/.exec(line);
  if (!m) throw new FrameError('option-select', `not an acknowledgement/option select: ${JSON.stringify(line)}; expected ACK V Z Y`);
  return { control: m[1]!, baudChar: m[2]!, mode: m[3]! };
}
