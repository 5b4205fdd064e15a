// The Keysight AC6800B-series AC source command dialect, as data and a codec (no I/O). Facts from the public
// "Keysight AC6800B Series Operating and Service Guide", chapter 3 "SCPI Programming Reference":
//   [V] keywords have a long and a short form (upper-case letters), any case; ";" separates commands of one
//       subsystem and ";:" returns to the root; a line ends with <NL>; queries end in "?"; boolean queries
//       answer 0 or 1; errors are read (and deleted) with SYSTem:ERRor?.
//   [V] [SOURce:]VOLTage[:LEVel][:IMMediate][:AMPLitude] <V rms>: AC 135 V range 0.0..137.5 V, 270 V range
//       0.0..275.0 V; VOLTage:RANGe selects the range; FREQuency <Hz>; OUTPut[:STATe] ON|OFF;
//       OUTPut:COUPling AC|DC|ACDC; *IDN? (IEEE-488 common commands).
//   [U] the reply form <code>,"<text>" of SYSTem:ERRor? (standard SCPI; only the code is relied on) and the
//       frequency span 40..500 Hz the simulator enforces (the bench asks only for 49..51 Hz).
// Settings produce no reply, so the driver appends ";:SYSTem:ERRor?" to each: one reply per line, and a refusal
// is seen at once.

export type Ac6800Range = 135 | 270;

/** Highest rms voltage of each range (the guide's figures). */
export const AC6800_RANGE_MAX_V: Record<Ac6800Range, number> = { 135: 137.5, 270: 275 };

/** One command of the dialect with how far it is known. */
export interface DialectCommand {
  spelling: string;
  meaning: string;
  status: 'V' | 'U';
}

export const AC6800_COMMANDS: readonly DialectCommand[] = [
  { spelling: '*IDN?', meaning: 'identity: maker,model,serial,firmware', status: 'V' },
  { spelling: 'OUTPut:COUPling AC', meaning: 'a.c. output (no d.c. component)', status: 'V' },
  { spelling: 'VOLTage:RANGe 135|270', meaning: 'output voltage range', status: 'V' },
  { spelling: 'VOLTage <V>', meaning: 'rms output voltage in the present range', status: 'V' },
  { spelling: 'FREQuency <Hz>', meaning: 'output frequency', status: 'V' },
  { spelling: 'OUTPut ON|OFF', meaning: 'output relay on/off; OUTPut? answers 0 or 1', status: 'V' },
  { spelling: 'SYSTem:ERRor?', meaning: 'oldest error, deleted when read; <code>,"<text>"', status: 'V' },
];

/** The smallest range that holds the voltage, or null when none does. */
export function ac6800RangeFor(voltageV: number): Ac6800Range | null {
  if (voltageV < 0) return null;
  if (voltageV <= AC6800_RANGE_MAX_V[135]) return 135;
  if (voltageV <= AC6800_RANGE_MAX_V[270]) return 270;
  return null;
}

/**
 * The program messages that set an a.c. output of voltageV rms at frequencyHz, in an order the source accepts
 * from any earlier state: the level goes to 0 first, so a range change never meets a level the new range
 * cannot hold (the range and the level are coupled).
 */
export function ac6800ApplyMessages(voltageV: number, frequencyHz: number): string[] {
  const range = ac6800RangeFor(voltageV);
  if (range === null) throw new RangeError(`${voltageV} V is outside the AC6800B's ranges (0..${AC6800_RANGE_MAX_V[270]} V rms)`);
  return ['OUTPut:COUPling AC', 'VOLTage 0', `VOLTage:RANGe ${range}`, `VOLTage ${voltageV}`, `FREQuency ${frequencyHz}`];
}

/** Parses a SYSTem:ERRor? reply such as +0,"No error" or -222,"Data out of range". */
export function parseSystemError(reply: string): { code: number; text: string } | null {
  const m = /^\s*([+-]?\d+)\s*,\s*"?([^"]*)"?\s*$/.exec(reply);
  return m ? { code: Number(m[1]), text: m[2]! } : null;
}

/** The SCPI error numbers the simulator answers with (standard SCPI codes). */
export const AC6800_ERR = {
  undefinedHeader: [-113, 'Undefined header'],
  dataOutOfRange: [-222, 'Data out of range'],
  settingsConflict: [-221, 'Settings conflict'],
  illegalParameter: [-224, 'Illegal parameter value'],
  missingParameter: [-109, 'Missing parameter'],
} as const;
