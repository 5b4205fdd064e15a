// The commissioning record: what the installer tool found, with the fields of Elexon's commissioning
// notification (D0383/D0384) as far as they apply to an Asset Metering System. Signed with the device key.
import type { JsonWebKey } from 'node:crypto';
import type { CheckResult } from './check-result.js';

/** Elexon data items quoted in seeds/003 ("Commissioning Process - New Installation"). */
export const J2233_MT_COMMISSIONING_COMPLETED = 'J2233';
export const J2236_DEFECT_OMISSION_REASON = 'J2236';
export const WHOLE_CURRENT_REASON = '08 Meter on site not CT operated';

export interface CommissionedMeter {
  id: string;
  model: string;
  makeModel: string;
  serial: string;
  /** Serial the meter itself reported, where the model exposes it. */
  serialReported: string | null;
  amsidImport: string | null;
  amsidExport: string | null;
  ctOperated: boolean;
  phases: 1 | 3;
}

export interface CommissioningRecord {
  type: 'amsgate-commissioning';
  v: 1;
  /** Gateway (outstation) id; also `device` for tools that expect that name. */
  deviceId: string | null;
  device: string | null;
  commissionedAt: string;
  installer: string | null;
  tool: string;
  result: 'pass' | 'fail';
  /** The signing key (so that a collector can register the device from this record). */
  kid: string | null;
  publicJwk: JsonWebKey | null;
  notification: {
    flow: 'D0383/D0384 (as applicable to an Asset Metering System)';
    assetMeteringType: 'CoP11 Asset Metering Type 5';
    wholeCurrent: boolean;
    /** J2233 Measurement Transformer Commissioning Completed: false ("F") for whole current. */
    measurementTransformerCommissioningCompleted: boolean;
    /** J2236 Defect / Omission Reason. */
    defectOmissionReason: string | null;
    commissioningStatus: 'commissioned' | 'not commissioned';
    outstationId: string | null;
    meters: { serial: string; makeModel: string; amsidImport: string | null; amsidExport: string | null }[];
  };
  meters: CommissionedMeter[];
  keyFields: Record<string, string>;
  checks: CheckResult[];
}

export function buildRecord(args: {
  deviceId: string | null;
  at: number;
  installer: string | null;
  meters: CommissionedMeter[];
  keyFields: Record<string, string>;
  checks: CheckResult[];
  kid: string | null;
  publicJwk: JsonWebKey | null;
}): CommissioningRecord {
  const result = args.checks.some((c) => c.status === 'fail') ? 'fail' : 'pass';
  const wholeCurrent = args.meters.every((m) => !m.ctOperated);
  return {
    type: 'amsgate-commissioning',
    v: 1,
    deviceId: args.deviceId,
    device: args.deviceId,
    commissionedAt: new Date(args.at).toISOString(),
    installer: args.installer,
    tool: 'amsgate commission 0.1.0',
    result,
    kid: args.kid,
    publicJwk: args.publicJwk,
    notification: {
      flow: 'D0383/D0384 (as applicable to an Asset Metering System)',
      // amsgate meters the energy inside the charger or battery: an embedded (Type 5) metering device.
      assetMeteringType: 'CoP11 Asset Metering Type 5',
      wholeCurrent,
      // Measurement transformers are commissioned by an SVA MOA, never by this tool: always false here.
      measurementTransformerCommissioningCompleted: false,
      defectOmissionReason: wholeCurrent ? WHOLE_CURRENT_REASON : null,
      commissioningStatus: result === 'pass' ? 'commissioned' : 'not commissioned',
      outstationId: args.deviceId,
      meters: args.meters.map((m) => ({ serial: m.serial, makeModel: m.makeModel, amsidImport: m.amsidImport, amsidExport: m.amsidExport })),
    },
    meters: args.meters,
    keyFields: args.keyFields,
    checks: args.checks,
  };
}
