// The signed body of a closed interval, as docs/signed-record.md describes it. Pure.
import { floor } from '../../drivers/rational.js';
import type { MeterConfig } from '../config/gateway-config.js';
import { formatKwh } from '../records/record-chain.js';
import type { Channel } from '../records/record-types.js';
import type { ClosedInterval } from '../settlement/channel-engine.js';
import { rationalToText } from '../settlement/rational-text.js';
import type { IntervalBody } from './record-writer.js';

/** ISO time without milliseconds when they are zero. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

export function intervalBody(m: MeterConfig, ch: Channel, ci: ClosedInterval): IntervalBody {
  return {
    type: 'interval',
    meter: { id: m.id, serial: m.serial, model: m.model },
    amsid: ch === 'import' ? m.amsid.import : m.amsid.export!,
    channel: ch,
    period: {
      start: iso(ci.period.startMs),
      end: iso(ci.period.endMs),
      resolution: ci.period.resolution,
      settlementDate: ci.period.settlementDate,
      settlementPeriod: ci.period.settlementPeriod,
    },
    energyWh: Number(ci.energyWh),
    energyKwh: formatKwh(ci.energyWh),
    rawCounts: ci.rawCounts.toString(),
    register: { start: floor(ci.registerStart).toString(), end: floor(ci.registerEnd).toString(), whPerCount: rationalToText(ci.whPerCount) },
    quality: ci.quality,
    coveragePermille: ci.coveragePermille,
    flags: ci.flags,
    revision: ci.revision,
  };
}
