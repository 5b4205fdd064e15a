// Closed intervals become signed records; an energy/power mismatch on a first issue raises its alarm.
import type { MeterConfig } from '../config/gateway-config.js';
import type { ClosedInterval } from '../settlement/channel-engine.js';
import type { Channel, IntervalRecord } from '../records/record-types.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';
import type { RecordWriter } from './record-writer.js';
import { intervalBody, iso } from './interval-body.js';

export function sealIntervals(
  m: MeterConfig,
  channel: Channel,
  closed: ClosedInterval[],
  nowMs: number,
  alarms: AlarmManager,
  writer: RecordWriter,
  out: IntervalRecord[],
): void {
  for (const ci of closed) {
    const v = ci.energyPower;
    if (v?.mismatch && ci.revision === 0) {
      alarms.pulse('energy-power-mismatch', m.id, `${channel} ${iso(ci.period.startMs)}: register ${v.registerWh.toFixed(1)} Wh, polled power integrates to ${v.powerWh.toFixed(1)} Wh (allowed ±${v.allowedWh.toFixed(1)} Wh): check the meter constant, CT direction and multipliers`, ci.period.endMs, ci.period.endMs, nowMs);
    }
    const s = writer.writeInterval(intervalBody(m, channel, ci), ci.period.startMs, ci.period.endMs, nowMs);
    out.push(s.payload as IntervalRecord);
  }
}
