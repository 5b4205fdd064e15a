// The fold of a gateway's alarm records into the active set: per (device, kind, meter) the latest by seq decides.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { GatewayAlarm } from '../../host-cli/collector/store-types.js';
import { activeGatewayAlarms, gatewayAlarmLabel, gatewayAlarmViews } from '../../host-cli/fleet-console/gateway-alarms.js';

const rec = (device: string, seq: number, alarm: GatewayAlarm['alarm'], meter: string | null, state: GatewayAlarm['state']): GatewayAlarm => ({
  device, seq, alarm, meter, state, at: new Date(Date.UTC(2026, 5, 1, 0, seq)).toISOString(), detail: `d${seq}`,
});
const keys = (xs: GatewayAlarm[]) => xs.map((a) => [a.device, a.seq, a.alarm, a.meter]);

test('raise, clear, raise again: active; raise then clear: not', () => {
  const raised = [rec('g', 1, 'meter-comms-failure', 'm1', 'raised')];
  assert.equal(keys(activeGatewayAlarms(raised)), [['g', 1, 'meter-comms-failure', 'm1']]);
  const cleared = [...raised, rec('g', 2, 'meter-comms-failure', 'm1', 'cleared')];
  assert.equal(activeGatewayAlarms(cleared), []);
  const again = [...cleared, rec('g', 3, 'meter-comms-failure', 'm1', 'raised')];
  assert.equal(keys(activeGatewayAlarms(again)), [['g', 3, 'meter-comms-failure', 'm1']]);
  // Order of the input does not matter: seq decides.
  assert.equal(keys(activeGatewayAlarms([...again].reverse())), [['g', 3, 'meter-comms-failure', 'm1']]);
});

test('two meters of one kind are separate alarms', () => {
  const xs = [rec('g', 1, 'meter-comms-failure', 'm1', 'raised'), rec('g', 2, 'meter-comms-failure', 'm2', 'raised'), rec('g', 3, 'meter-comms-failure', 'm1', 'cleared')];
  assert.equal(keys(activeGatewayAlarms(xs)), [['g', 2, 'meter-comms-failure', 'm2']]);
});

test('a device-wide alarm (meter null) is its own key; a meter clear does not clear it', () => {
  const xs = [rec('g', 1, 'clock-unsynchronised', null, 'raised'), rec('g', 2, 'clock-unsynchronised', 'm1', 'cleared'), rec('g', 3, 'power-outage', null, 'raised'), rec('g', 4, 'power-outage', null, 'cleared')];
  assert.equal(keys(activeGatewayAlarms(xs)), [['g', 1, 'clock-unsynchronised', null]]);
  assert.is(gatewayAlarmLabel(xs[0]!), 'gateway: clock-unsynchronised');
  assert.is(gatewayAlarmLabel(rec('g', 5, 'meter-comms-failure', 'plug', 'raised')), 'gateway: meter-comms-failure (plug)');
});

test('devices are separate; the active set is ordered by device, seq', () => {
  const xs = [rec('b', 1, 'test', null, 'raised'), rec('a', 2, 'test', null, 'raised'), rec('a', 1, 'counter-reset', 'm1', 'raised'), rec('b', 2, 'test', null, 'cleared')];
  assert.equal(keys(activeGatewayAlarms(xs)), [['a', 1, 'counter-reset', 'm1'], ['a', 2, 'test', null]]);
});

test('the page view: active first by seq, then every other record newest first', () => {
  const xs = [rec('g', 1, 'meter-comms-failure', 'm1', 'raised'), rec('g', 2, 'clock-stepped', null, 'raised'), rec('g', 3, 'meter-comms-failure', 'm1', 'cleared'), rec('g', 4, 'meter-comms-failure', 'm1', 'raised')];
  assert.equal(gatewayAlarmViews(xs).map((v) => [v.seq, v.state, v.active]), [[2, 'raised', true], [4, 'raised', true], [3, 'cleared', false], [1, 'raised', false]]);
  assert.equal(gatewayAlarmViews([]), []);
});

test.run();
