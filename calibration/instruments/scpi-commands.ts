// The bench line protocol: SCPI-style text lines, one reply line per command (documented in docs/bench.md).
// Settings answer "OK", queries answer the value, anything wrong answers "ERR <code>,<text>".
// Long forms (SOURce:VOLTage) and short forms (SOUR:VOLT) are both accepted, case-insensitively.

export interface ScpiCommand {
  /** Normalised short-form header, e.g. "SOUR:VOLT" or "*IDN". */
  header: string;
  query: boolean;
  args: string[];
}

const LONG_TO_SHORT: Record<string, string> = {
  SOURCE: 'SOUR',
  VOLTAGE: 'VOLT',
  CURRENT: 'CURR',
  PHASE: 'PHAS',
  FREQUENCY: 'FREQ',
  OUTPUT: 'OUTP',
  MEASURE: 'MEAS',
  ENERGY: 'ENER',
  RESET: 'RES',
  SYSTEM: 'SYST',
  ERROR: 'ERR',
  ACCURACY: 'ACC',
  POWER: 'POW',
  FUNCTION: 'FUNC',
  TEMPERATURE: 'TEMP',
  HUMIDITY: 'HUM',
  PULSES: 'PULS',
};

export function parseScpiLine(line: string): ScpiCommand | null {
  const t = line.trim();
  if (!t) return null;
  const sp = t.search(/\s/);
  const head = (sp < 0 ? t : t.slice(0, sp)).toUpperCase();
  const rest = sp < 0 ? '' : t.slice(sp + 1).trim();
  const query = head.endsWith('?');
  const bare = query ? head.slice(0, -1) : head;
  const header = bare
    .split(':')
    .filter((s) => s.length > 0)
    .map((s) => LONG_TO_SHORT[s] ?? s)
    .join(':');
  return { header: bare.startsWith('*') ? bare : header, query, args: rest ? rest.split(',').map((a) => a.trim()) : [] };
}

/** SCPI-style error codes used in "ERR" replies. */
export const SCPI_ERR = {
  undefinedHeader: -113,
  missingParameter: -109,
  dataOutOfRange: -222,
  illegalParameter: -224,
  settingsConflict: -221,
} as const;

export const errReply = (code: number, text: string): string => `ERR ${code},${text}`;

/** Parses a reply "ERR code,text" into its parts, or null for a normal reply. */
export function parseErrReply(reply: string): { code: number; text: string } | null {
  const m = /^ERR\s+(-?\d+),(.*)$/.exec(reply.trim());
  return m ? { code: Number(m[1]), text: m[2]! } : null;
}

/** Formats a number for a reply without float noise. */
export const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toPrecision(12).replace(/\.?0+$/, ''));
