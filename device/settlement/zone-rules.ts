// UTC offsets of the zones that follow the common EU/UK summer-time rule, computed without Intl: one hour ahead of
// standard time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October (UK Summer
// Time Order 2002, Directive 2000/84/EC). Loading ICU's time-zone data for Intl.DateTimeFormat costs a process
// about 8 MB of resident memory (docs/gateway-operation.md "Resources"); a gateway only needs this rule. Other
// zones, and instants before 2003 (when Estonia and Lithuania kept no summer time), are left to Intl.
// test/device/settlement/zone-rules.test.ts checks every rule zone against Intl (tzdata) hour by hour.

const HOUR_MS = 3_600_000;

/** Standard offset (hours east of UTC) of each zone the rule covers. */
const STANDARD_OFFSET_H: Readonly<Record<string, number>> = {
  'Europe/London': 0,
  'Europe/Dublin': 0,
  'Europe/Lisbon': 0,
  'Europe/Amsterdam': 1,
  'Europe/Berlin': 1,
  'Europe/Brussels': 1,
  'Europe/Copenhagen': 1,
  'Europe/Madrid': 1,
  'Europe/Oslo': 1,
  'Europe/Paris': 1,
  'Europe/Rome': 1,
  'Europe/Stockholm': 1,
  'Europe/Vienna': 1,
  'Europe/Warsaw': 1,
  'Europe/Helsinki': 2,
  'Europe/Riga': 2,
  'Europe/Tallinn': 2,
  'Europe/Vilnius': 2,
};

/** First instant the rule is used for (2003-01-01T00:00Z); earlier instants go to Intl. */
export const RULE_FROM_MS = Date.UTC(2003, 0, 1);

/** 01:00 UTC on the last Sunday of the month (0-based) of year y. */
function lastSundayAt0100(y: number, month: number): number {
  const last = Date.UTC(y, month + 1, 0); // day 0 of the next month: the last day of this one
  const dow = new Date(last).getUTCDay();
  return last - dow * 24 * HOUR_MS + HOUR_MS;
}

/** True when the zone's offsets come from the rule here (no ICU needed). */
export function hasBuiltInRule(tz: string): boolean {
  return Object.hasOwn(STANDARD_OFFSET_H, tz);
}

/** The zone's offset from UTC at atMs (ms), or undefined where Intl must answer. */
export function ruleOffsetMs(atMs: number, tz: string): number | undefined {
  if (!hasBuiltInRule(tz) || !(atMs >= RULE_FROM_MS)) return undefined;
  const std = STANDARD_OFFSET_H[tz]!;
  const y = new Date(atMs).getUTCFullYear();
  const summer = atMs >= lastSundayAt0100(y, 2) && atMs < lastSundayAt0100(y, 9);
  return (std + (summer ? 1 : 0)) * HOUR_MS;
}
