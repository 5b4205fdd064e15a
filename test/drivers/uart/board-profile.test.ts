import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../../drivers/errors.js';
import { rational } from '../../../drivers/rational.js';
import { BL0942_BOARDS, bl0942Board, bl0942Eref, bl0942WhPerCount } from '../../../drivers/uart/bl0942/board.js';
import { cse7766Board } from '../../../drivers/uart/cse7766/board.js';
import { maxPollIntervalMs } from '../../../drivers/uart/poll-interval.js';
import { catalogEntry } from '../../../drivers/catalog.js';
import { systemClock } from '../../../drivers/clock.js';
import { meterSchema } from '../../../device/config/config-schema.js';

function configError(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ConfigError);
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected a ConfigError matching ${re}`);
}

test('every BL0942 profile is one consistent set: EREF = PREF x 3600000 / 419430.4', () => {
  for (const [name, b] of Object.entries(BL0942_BOARDS)) {
    const resolved = bl0942Board({ profile: name });
    // 419430.4 = 1638.4 x 256, the datasheet's CF period constant (standards.md 4.4).
    assert.equal(bl0942Eref(resolved), rational(BigInt(Math.round(Number(b.pref) * 1e8)) * 3_600_000n * 10n, 4_194_304n * 100_000_000n), name);
  }
  // PREF 596: 5115.509033203125 pulses per kWh.
  assert.equal(bl0942Eref(bl0942Board()), rational(5115509033203125n, 1_000_000_000_000n));
});

test('the peers\' mixed defaults (PREF 596 with EREF 3304.61) are refused, naming both and the derived EREF', () => {
  configError(() => bl0942Board({ pref: '596', eref: '3304.61127328' }), /EREF 3304\.61127328 contradicts PREF 596.*5115\.509/);
});

test('a BL0942 board is selectable and overridable per meter', () => {
  assert.is(bl0942Board({ profile: 'derived' }).pref, '623.00203403');
  // A new PREF re-derives EREF; a calibrated pair within 1 % is kept as given.
  const b = bl0942Board({ pref: '600' });
  assert.equal(bl0942WhPerCount(b), rational(4_194_304n, 600n * 36_000n));
  assert.is(bl0942Board({ pref: '600', eref: '5160' }).eref, '5160');
  configError(() => bl0942Board({ profile: 'nope' }), /profile "nope" is unknown; known profiles: default, derived/);
  configError(() => bl0942Board({ pref: '596', eref: '3304.61127328', uref: 'x' }), /uref is "x"; expected a positive decimal/);
  configError(() => bl0942Board({ ereff: 1 } as never), /field "ereff" is unknown/);
});

test('CSE7766 poll interval: (missed polls + 1) intervals stay below one 65536-pulse wrap at the maximum power', () => {
  // 65536 pulses x 5 J = 327 680 J; at 3680 W (16 A x 230 V) that is 89.04 s per wrap.
  assert.is(maxPollIntervalMs('cse7766', undefined, 3680, 0), 89_043);
  assert.is(maxPollIntervalMs('cse7766', undefined, 3680), 44_521);
  // At exactly a whole number of ms the interval stays strictly below the wrap period.
  assert.is(maxPollIntervalMs('cse7766', { powerCoef: 1_000_000 }, 65_536, 0), 999);
  assert.is(maxPollIntervalMs('cse7766', { powerCoef: 2_500_000 }, 3680), 22_260);
  configError(() => cse7766Board({ powerCoef: 0x1000000 }), /expected an integer 1\.\.16777215/);
});

test('poll interval of the other chips: BL0942 wraps after 3280 kWh, a full ATM90E26 register holds 2048 Wh (MC 3200)', () => {
  // BL0942 PREF 596: 2^24 pulses x 1638.4 x 256 / 596 J = 1.1807e10 J; at 3680 W: 3.2085e9 ms per wrap, halved.
  assert.is(maxPollIntervalMs('bl0942', undefined, 3680), Math.ceil((2 ** 24 * 1638.4 * 256) / 596 / 3680 * 1000 / 2) - 1);
  // ATM90E26 MC 3200: 6553.5 pulses = 2.04797 kWh = 7 372 687.5 J; at 3680 W 2003.45 s, halved: 1001.72 s.
  assert.is(maxPollIntervalMs('atm90e26', undefined, 3680), 1_001_723);
  assert.is(maxPollIntervalMs('iec62056', undefined, 3680), null);
  assert.is(maxPollIntervalMs('sdm630', undefined, 3680), null);
});

test('a meter config carries a board choice; the catalog refuses a contradictory one before opening the line', async () => {
  const m = meterSchema.parse({
    id: 'm1', model: 'bl0942', connection: { serial: '/dev/null-not-a-tty' }, serial: 'X', amsid: { import: 'A' }, role: 'charger',
    phases: 1, ratedVoltageV: 230, ratedCurrentA: 5, maxCurrentA: 16, board: { profile: 'default', pref: '596', eref: '3304.61127328' },
  });
  assert.equal(m.board, { profile: 'default', pref: '596', eref: '3304.61127328' });
  let err: unknown;
  await catalogEntry('bl0942').openDriver(m.connection, { clock: systemClock, board: m.board }).catch((e) => (err = e));
  assert.instance(err, ConfigError);
  assert.match((err as Error).message, /contradicts PREF 596/);
  err = undefined;
  await catalogEntry('cse7766').openDriver({ serial: '/nonexistent' }, { clock: systemClock, board: { profile: 'sonoff' } }).catch((e) => (err = e));
  assert.instance(err, ConfigError);
});

test.run();
