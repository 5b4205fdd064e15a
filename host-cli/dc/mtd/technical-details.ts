// Meter Technical Details and registration data from the commissioning record and the gateway configuration
// (seeds/003 "Meter Technical Details", "Stage 3: Asset Meter Registration", "Complex Sites"). Every field is named
// after the data item it fills. Data item numbers (Jxxxx) are given only where seeds/003 quotes them (J0003, J0418,
// J0471, J1687); the others are named by the wording of seeds/003, their J numbers being [U]. Pure.
import type { GatewayConfig, MeterConfig } from '../../../device/config/gateway-config.js';
import { keyFieldsOf } from '../../../device/config/gateway-config.js';
import type { CommissioningRecord } from '../../commissioning/commissioning-record.js';

export interface MtdOptions {
  /** AMVLP or Supplier Id (P0303). */
  amvlpId: string | null;
  /** Outstation Type (J0471): three characters from the CoP Compliance and Protocol Approvals list; null until assigned. */
  outstationType: string | null;
  /** When this version takes effect (ms): commissioning for the first version, the key field change for later ones. */
  effectiveFromMs: number;
  /** When the previous version stops (set on the previous document when a new one is issued). */
  effectiveToMs?: number | null;
}

export interface TechnicalDetails {
  device: string;
  meter: string;
  /** The key fields this version was built from (a change means a new version and a proving test). */
  keyFields: Record<string, string>;
  d0268: Record<string, string | number | boolean | null>;
  p0303: Record<string, string | number | null>;
  /** CoP11/Fa aggregation rules, one per AMSID, when a loss multiplier applies. */
  cop11Fa: { 'AMSID': string; 'Aggregation Rule': string; 'Loss Adjustment Reason': string }[];
}

const day = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString().slice(0, 10));

/** Key fields of one meter (seeds/003 "Proving Test": Outstation Id, serial, channels, MQ Id, multipliers, ratios). */
export function meterKeyFields(cfg: GatewayConfig, meter: string): Record<string, string> {
  const all = keyFieldsOf(cfg);
  return Object.fromEntries(Object.entries(all).filter(([k]) => k === 'device.id' || k.startsWith(`meter.${meter}.`)));
}

/** The aggregation rule seeds/003 shows: `AMSID = [AMSID Asset Meter identifier and channel details] x 1.02`. */
export function aggregationRule(amsid: string, serial: string, mqid: 'AI' | 'AE', lossMultiplier: string): string {
  return `${amsid} = [${amsid} Asset Meter ${serial} channel ${mqid}] x ${lossMultiplier}`;
}

export function technicalDetails(rec: CommissioningRecord, cfg: GatewayConfig, m: MeterConfig, o: MtdOptions): TechnicalDetails {
  const cm = rec.meters.find((x) => x.id === m.id);
  const makeModel = cm?.makeModel ?? m.model;
  const channels = m.amsid.export !== undefined ? 2 : 1;
  const complex = m.compensation.lossMultiplier !== '1';
  const d0268: TechnicalDetails['d0268'] = {
    'J0003 MPAN Core (Import AMSID)': m.amsid.import,
    'Export AMSID': m.amsid.export ?? null,
    'J0418 Meter CoP': 'N',
    'Asset Metering Type': 5,
    'Outstation Id': cfg.deviceId,
    'J0471 Outstation Type': o.outstationType,
    'Outstation Number of Channels': channels,
    'Asset Meter Id (Serial Number)': m.serial,
    'Asset Meter Make and Model': makeModel,
    'Measurement Quantity Id (import)': 'AI',
    'Measurement Quantity Id (export)': m.amsid.export !== undefined ? 'AE' : null,
    'CT Ratio': m.compensation.ctRatio,
    'VT Ratio': m.compensation.vtRatio,
    'Asset Meter Multiplier': m.compensation.calibrationFactor,
    'Pulse Multiplier': m.compensation.pulseMultiplier,
    'J1687 Complex Site Indicator': complex,
    'Measurement Transformers': rec.notification.wholeCurrent ? 'none (whole current)' : 'CT operated',
    'Supply': m.supply,
    'Phases': m.phases,
    'Rated Voltage V': m.ratedVoltageV,
    'Rated Current (In) A': m.ratedCurrentA,
    'Maximum Current (Imax) A': m.maxCurrentA,
    'Commissioning Status': rec.notification.commissioningStatus,
    'Date of Commissioning': rec.commissionedAt.slice(0, 10),
    'Effective From Date': day(o.effectiveFromMs),
  };
  const p0303: TechnicalDetails['p0303'] = {
    'AMVLP or Supplier Id': o.amvlpId,
    'Import AMSID': m.amsid.import,
    'Export AMSID': m.amsid.export ?? null,
    'Asset Meter Serial Number (Import)': m.serial,
    'Asset Meter Serial Number (Export)': m.amsid.export !== undefined ? m.serial : null,
    'Outstation Type (Import)': o.outstationType,
    'Outstation Type (Export)': m.amsid.export !== undefined ? o.outstationType : null,
    'Asset Meter Make and Model (Import)': makeModel,
    'Asset Meter Make and Model (Export)': m.amsid.export !== undefined ? makeModel : null,
    'Asset Meter Effective from Date (Import)': day(o.effectiveFromMs),
    'Asset Meter Effective from Date (Export)': m.amsid.export !== undefined ? day(o.effectiveFromMs) : null,
    'Asset Meter Effective to Date (Import)': day(o.effectiveToMs),
    'Asset Meter Effective to Date (Export)': m.amsid.export !== undefined ? day(o.effectiveToMs) : null,
    'Asset Metering Type': 5,
  };
  const reason = m.supply === 'dc' ? 'Inverter and Rectifier Losses (Asset Meter on the d.c. side)' : 'System Losses (Asset Meter not at the Defined Metering Point)';
  const cop11Fa = complex
    ? [
        { 'AMSID': m.amsid.import, 'Aggregation Rule': aggregationRule(m.amsid.import, m.serial, 'AI', m.compensation.lossMultiplier), 'Loss Adjustment Reason': reason },
        ...(m.amsid.export !== undefined ? [{ 'AMSID': m.amsid.export, 'Aggregation Rule': aggregationRule(m.amsid.export, m.serial, 'AE', m.compensation.lossMultiplier), 'Loss Adjustment Reason': reason }] : []),
      ]
    : [];
  return { device: cfg.deviceId, meter: m.id, keyFields: meterKeyFields(cfg, m.id), d0268, p0303, cop11Fa };
}

const csvCell = (v: unknown): string => {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

/** One row per data item: document, data item, value. */
export function technicalDetailsCsv(list: TechnicalDetails[]): string {
  const rows = [['device', 'meter', 'document', 'data item', 'value']];
  for (const t of list) {
    for (const [k, v] of Object.entries(t.d0268)) rows.push([t.device, t.meter, 'D0268', k, csvCell(v)]);
    for (const [k, v] of Object.entries(t.p0303)) rows.push([t.device, t.meter, 'P0303', k, csvCell(v)]);
    for (const r of t.cop11Fa) for (const [k, v] of Object.entries(r)) rows.push([t.device, t.meter, 'CoP11/Fa', k, csvCell(v)]);
  }
  return `${rows.map((r) => r.map((c, i) => (i < 4 ? csvCell(c) : c)).join(',')).join('\n')}\n`;
}
