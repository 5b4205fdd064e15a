import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../drivers/clock.js';
import { FrameError, TimeoutError } from '../../../drivers/errors.js';
import { meterModel, meterModels } from '../../../drivers/models/meter-models.js';
import { probeModel, probeOrder } from '../../../drivers/models/probe-model.js';
import { SimulatedBank } from '../../../drivers/models/simulated-bank.js';
import { constant } from '../../../drivers/sim/load-profile.js';
import { PhysicalMeter } from '../../../drivers/sim/physical-meter.js';
import { bankClient } from './bank-client.js';

const clock = new ManualClock(0);
const bankFor = (id: string) =>
  new SimulatedBank(meterModel(id), new PhysicalMeter({ clock, profile: constant(1000), phases: meterModel(id).phases, random: () => 0.5 }), { unit: 1 });

test('every model matches its own simulator and no other model does', async () => {
  for (const sim of meterModels) {
    const client = bankClient(bankFor(sim.id));
    for (const m of meterModels) {
      const r = await probeModel(client, m, 1);
      // An SDM630 also passes the SDM120 probe (same L1 registers): discover tries the SDM630 first.
      const expected = m.id === sim.id || (sim.id === 'sdm630' && m.id === 'sdm120');
      assert.is(r.match, expected, `${m.id} probe on a ${sim.id}: ${JSON.stringify(r)}`);
    }
  }
  assert.equal(probeOrder(meterModels).map((m) => m.id)[0], 'sdm630');
});

test('outcomes: another unit is silent, a wrong model is refused or implausible, timeouts and damaged frames are told apart', async () => {
  const client = bankClient(bankFor('sdm120'));
  assert.is(((await probeModel(client, meterModel('sdm120'), 2)) as { reason: string }).reason, 'silent'); // exception 11
  assert.is(((await probeModel(client, meterModel('b23'), 1)) as { reason: string }).reason, 'refused');
  assert.is(((await probeModel(client, meterModel('em340'), 1)) as { reason: string }).reason, 'implausible');
  client.readRegisters = async () => {
    throw new TimeoutError('modbus-timeout', 'no answer');
  };
  assert.is(((await probeModel(client, meterModel('sdm120'), 1)) as { reason: string }).reason, 'silent');
  client.readRegisters = async () => {
    throw new FrameError('crc', 'bad crc');
  };
  assert.is(((await probeModel(client, meterModel('sdm120'), 1)) as { reason: string }).reason, 'garbled');
});

test.run();
