// Record bodies for tests: one interval and one alarm, as the settlement engine and alarm manager make them.
import type { RecordBody } from '../../../device/records/record-chain.js';

export function intervalBody(startIso = '2026-11-22T10:00:00Z', energyWh = 3702, revision = 0): RecordBody {
  const start = Date.parse(startIso);
  return {
    type: 'interval',
    meter: { id: 'charger', serial: 'SIM630-000001', model: 'sdm630' },
    amsid: '2000000000015',
    channel: 'import',
    period: {
      start: new Date(start).toISOString().replace('.000Z', 'Z'),
      end: new Date(start + 1_800_000).toISOString().replace('.000Z', 'Z'),
      resolution: 'PT30M',
      settlementDate: startIso.slice(0, 10),
      settlementPeriod: 21,
    },
    energyWh,
    energyKwh: `${Math.floor(energyWh / 1000)}.${String(energyWh % 1000).padStart(3, '0')}`,
    // Meter counts are integers (docs/signed-record.md): 1 Wh per count.
    rawCounts: String(energyWh),
    register: { start: '100000', end: String(100000 + energyWh), whPerCount: '1' },
    quality: 'actual',
    coveragePermille: 1000,
    flags: [],
    revision,
  } as RecordBody;
}

export function alarmBody(): RecordBody {
  return { type: 'alarm', alarm: 'test', meter: null, state: 'raised', at: '2026-11-22T10:31:00.000Z', detail: 'installer test' };
}
