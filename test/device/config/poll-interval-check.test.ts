// Config validation refuses a UART meter whose poll interval lets its energy counter wrap more than once between
// two polls at its maximum power (one poll may fail), and names the maximum allowed interval.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../../drivers/errors.js';
import { parseConfig } from '../../../device/config/gateway-config.js';
import { maxPollIntervalMs } from '../../../drivers/uart/poll-interval.js';

const uartMeter = (over: Record<string, unknown> = {}) => ({
  id: 'plug',
  model: 'cse7766',
  connection: { serial: '/dev/ttyS1' },
  serial: 'S2',
  amsid: { import: '2000000000015' },
  role: 'charger',
  phases: 1,
  ratedVoltageV: 230,
  ratedCurrentA: 10,
  maxCurrentA: 100,
  ...over,
});

function problems(input: unknown): string[] {
  try {
    parseConfig(input, undefined, { checkFiles: false });
    return [];
  } catch (e) {
    assert.instance(e, ConfigError);
    return ((e as ConfigError).context.problems as string[]) ?? [];
  }
}

test('CSE7766 at 100 A x 230 V: its 16-bit CF count wraps every 14.2 s, so 10 s polls are refused with the maximum', () => {
  // 65 536 pulses x Pcoef 5e6 uJ = 327 680 J per wrap; at 23 kW that is 14 247 ms; two intervals must fit below it.
  assert.is(maxPollIntervalMs('cse7766', undefined, 23_000), 7123);
  assert.equal(problems({ deviceId: 'gw1', pollIntervalMs: 10_000, meters: [uartMeter()] }), [
    'pollIntervalMs: 10000 ms is too long for meters[0] (cse7766): at its maximum power 23000 W (100 A x 230 V x 1) its energy counter ' +
      'wraps so fast that one missed poll would lose a whole wrap; poll at most every 7123 ms (the maximum allowed for this meter), ' +
      'e.g. a divisor of 30 minutes such as 6250 ms',
  ]);
  assert.equal(problems({ deviceId: 'gw1', pollIntervalMs: 5000, meters: [uartMeter()] }), []);
  // The board profile counts: a smaller Pcoef is less energy per pulse, so the counter wraps sooner.
  assert.is(maxPollIntervalMs('cse7766', { powerCoef: 2_500_000 }, 23_000), 3561);
  assert.match(problems({ deviceId: 'gw1', pollIntervalMs: 5000, meters: [uartMeter({ board: { powerCoef: 2_500_000 } })] })[0]!, /poll at most every 3561 ms/);
});

test('meters without a wrapping counter, and a wide counter, are not limited at 10 s', () => {
  assert.equal(problems({ deviceId: 'gw1', pollIntervalMs: 10_000, meters: [uartMeter({ model: 'bl0942' }), uartMeter({ id: 'm2', model: 'sdm120', connection: { tcp: '10.0.0.2:502' }, amsid: { import: '2000000000024' } })] }), []);
});

test('an unknown board profile is named as the board field\'s problem', () => {
  assert.equal(problems({ deviceId: 'gw1', pollIntervalMs: 5000, meters: [uartMeter({ board: { profile: 'sonoff-x' } })] }), [
    'meters[0].board: CSE7766 board profile "sonoff-x" is unknown; known profiles: default; name a known board profile and only its fields (docs/uart-chips.md "Board profiles")',
  ]);
});

test.run();
