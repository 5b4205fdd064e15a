// One-line renderings of gateway events for people watching `amsgate run`. Pure.
import type { GatewayEvent } from './gateway.js';

const hhmm = (iso: string): string => iso.slice(11, 16);

export function renderEvent(e: GatewayEvent): string | null {
  switch (e.type) {
    case 'reading': {
      const p = e.sample.instant.powerW;
      const regs = Object.entries(e.registersKwh).map(([ch, kwh]) => `${ch} ${kwh} kWh`).join(', ');
      const v = e.sample.instant.voltageV?.map((x) => x.toFixed(1)).join('/') ?? '-';
      return `  read  ${new Date(e.sample.at).toISOString().slice(0, 19)}Z  ${e.meter.padEnd(10)} ${p === undefined ? '' : `${(p / 1000).toFixed(3).padStart(8)} kW`}  ${v} V  register ${regs}`;
    }
    case 'meter-error':
      return `  error ${e.meter}: ${e.error}`;
    case 'interval': {
      const r = e.record;
      const sp = r.period.settlementPeriod === null ? '' : ` SP${String(r.period.settlementPeriod).padStart(2, '0')}`;
      return (
        `✔ interval ${r.meter.id}/${r.channel} ${r.period.settlementDate}${sp} ${hhmm(r.period.start)}-${hhmm(r.period.end)}Z ` +
        `${r.energyKwh.padStart(8)} kWh  ${r.quality} ${r.coveragePermille / 10}%${r.flags.length ? ` [${r.flags.join(',')}]` : ''}` +
        `${r.revision ? ` rev ${r.revision}` : ''}  seq ${r.seq} signed kid ${r.kid.slice(0, 8)}…`
      );
    }
    case 'alarm':
      return `! alarm ${e.alarm.kind} ${e.alarm.state}${e.alarm.meter ? ` (${e.alarm.meter})` : ''}: ${e.alarm.detail}`;
    case 'mqtt':
      return `  mqtt  ${e.state}${e.detail ? ` ${e.detail}` : ''}`;
    case 'info':
      return `  ${e.message}`;
  }
}
