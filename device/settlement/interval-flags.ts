// Which flags a reading or counter event gives a period, and their canonical order. Pure.
import type { IntervalFlag } from '../records/record-types.js';
import type { CounterEvent } from './counter-extension.js';
import type { ChannelLimits, ChannelReading } from './channel-types.js';

// Canonical flag order, so that equal flag sets compare equal as text.
const FLAG_ORDER: readonly IntervalFlag[] = [
  'voltage-out-of-range',
  'frequency-out-of-range',
  'overcurrent',
  'alarm-active',
  'gap',
  'counter-wrap',
  'meter-reset',
  'clock-unsynchronised',
  'late-data',
  'direction-estimated',
  'implausible-advance',
  'energy-power-mismatch',
];

export function mergeFlags(a: readonly IntervalFlag[], b: readonly IntervalFlag[]): IntervalFlag[] {
  const set = new Set<IntervalFlag>([...a, ...b]);
  return FLAG_ORDER.filter((f) => set.has(f));
}


export function instantFlags(r: ChannelReading, limits: ChannelLimits): IntervalFlag[] {
  const flags: IntervalFlag[] = [];
  const un = limits.nominalVoltageV;
  // Scaled by 10 so the limits are not moved by float rounding (1.1 x 230 is 253.00000000000003 in float64).
  if (r.voltageV !== null && (r.voltageV * 10 < 9 * un || r.voltageV * 10 > 11 * un)) flags.push('voltage-out-of-range');
  if (r.frequencyHz !== null && (r.frequencyHz < 49 || r.frequencyHz > 51)) flags.push('frequency-out-of-range');
  if (r.currentA !== null && r.currentA > limits.maxCurrentA) flags.push('overcurrent');
  if (r.alarmActive) flags.push('alarm-active');
  if (r.clockUnsynchronised) flags.push('clock-unsynchronised');
  if (r.directionEstimated) flags.push('direction-estimated');
  return flags;
}

export function eventFlags(event: CounterEvent): IntervalFlag[] {
  if (event === 'wrap') return ['counter-wrap'];
  if (event === 'reset') return ['meter-reset'];
  return [];
}

