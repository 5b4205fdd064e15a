// The built-in EU/UK summer-time rule against tzdata as Node's ICU carries it (Intl.DateTimeFormat, an
// implementation independent of ours): every hour from 2003 to 2040, and every minute around each change (every second within 10 s of it), for
// every zone the rule covers. Fixed points from the UK Summer Time Order 2002 pin the rule without Intl.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasBuiltInRule, ruleOffsetMs, RULE_FROM_MS } from '../../../device/settlement/zone-rules.js';
import { isKnownTimeZone, localDayStartMs, settlementPeriodsInDay } from '../../../device/settlement/periods.js';

const ZONES = ['Europe/London', 'Europe/Dublin', 'Europe/Lisbon', 'Europe/Amsterdam', 'Europe/Berlin', 'Europe/Brussels', 'Europe/Copenhagen', 'Europe/Madrid', 'Europe/Oslo', 'Europe/Paris', 'Europe/Rome', 'Europe/Stockholm', 'Europe/Vienna', 'Europe/Warsaw', 'Europe/Helsinki', 'Europe/Riga', 'Europe/Tallinn', 'Europe/Vilnius'];
const HOUR = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function intlOffsetMs(atMs: number, tz: string): number {
  const f = formatters.get(tz) ?? new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  formatters.set(tz, f);
  const p = Object.fromEntries(f.formatToParts(new Date(atMs)).filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(atMs / 1000) * 1000;
}

test('every rule zone agrees with tzdata at every hour 2003-2040 and every minute around each change (every second within 10 s of it)', () => {
  const end = Date.UTC(2041, 0, 1);
  for (const tz of ZONES) {
    assert.ok(hasBuiltInRule(tz), tz);
    let prev = ruleOffsetMs(RULE_FROM_MS, tz);
    let changes = 0;
    for (let t = RULE_FROM_MS; t < end; t += HOUR) {
      const ours = ruleOffsetMs(t, tz)!;
      if (ours !== prev) {
        changes++;
        for (let s = t - 2 * HOUR; s <= t + 2 * HOUR; s += Math.abs(s - t) <= 10_000 ? 1000 : 60_000) {
          if (ruleOffsetMs(s, tz) !== intlOffsetMs(s, tz)) assert.unreachable(`${tz} at ${new Date(s).toISOString()}: rule ${ruleOffsetMs(s, tz)} tzdata ${intlOffsetMs(s, tz)}`);
        }
      } else if (t % (24 * HOUR) === 0 && ours !== intlOffsetMs(t, tz)) {
        assert.unreachable(`${tz} at ${new Date(t).toISOString()}: rule ${ours} tzdata ${intlOffsetMs(t, tz)}`);
      }
      prev = ours;
    }
    assert.is(changes, 38 * 2, `${tz}: two changes a year`);
  }
});

test('fixed points of the UK rule (Summer Time Order 2002: 01:00 GMT, last Sunday of March and October)', () => {
  // 2026: last Sunday of March is the 29th, of October the 25th.
  assert.is(ruleOffsetMs(Date.UTC(2026, 2, 29, 0, 59, 59), 'Europe/London'), 0);
  assert.is(ruleOffsetMs(Date.UTC(2026, 2, 29, 1, 0, 0), 'Europe/London'), HOUR);
  assert.is(ruleOffsetMs(Date.UTC(2026, 9, 25, 0, 59, 59), 'Europe/London'), HOUR);
  assert.is(ruleOffsetMs(Date.UTC(2026, 9, 25, 1, 0, 0), 'Europe/London'), 0);
  assert.is(settlementPeriodsInDay('2026-03-29'), 46);
  assert.is(settlementPeriodsInDay('2026-10-25'), 50);
  assert.is(localDayStartMs('2026-07-01'), Date.UTC(2026, 5, 30, 23));
  // Tallinn: EET (+2), EEST (+3), changing at the same instant.
  assert.is(ruleOffsetMs(Date.UTC(2026, 2, 29, 1), 'Europe/Tallinn'), 3 * HOUR);
});

test('other zones and earlier instants are left to Intl', () => {
  assert.is(ruleOffsetMs(Date.UTC(2026, 0, 1), 'America/New_York'), undefined);
  assert.is(ruleOffsetMs(RULE_FROM_MS - 1, 'Europe/London'), undefined);
  assert.is(ruleOffsetMs(Date.UTC(2026, 0, 1), 'toString'), undefined);
  assert.ok(isKnownTimeZone('America/New_York'));
  assert.not.ok(isKnownTimeZone('Europe/Atlantis'));
});

test.run();
