// One commissioning check: what was checked, how, the figures it rests on, and (when it failed) what to fix.
export type CheckStatus = 'pass' | 'fail' | 'not-applicable';

export interface CheckResult {
  /** Stable id, e.g. "remote-comms", "direction-import:charger". */
  id: string;
  title: string;
  /** Which Elexon whole-current commissioning requirement (or plausibility test) this evidences. */
  requirement: string;
  status: CheckStatus;
  /** automatic: decided from measurements; installer: decided by an answer; mixed: both. */
  method: 'automatic' | 'installer' | 'mixed';
  meter: string | null;
  /** Figures the verdict rests on, as display strings (units in the key names). */
  figures: Record<string, string>;
  detail: string;
  /** For a failed check: what the installer should do. */
  fix?: string;
}

/** The whole-current commissioning requirements (seeds/003, "Whole current Asset Metering Systems"), in order. */
export const REQUIREMENTS = {
  comms: '1. remote communication with the Settlement Instation established',
  direction: '2. direction of power flow as registered (Import / Export)',
  rotation: '3. phase rotation standard at the meter terminals',
  polarity: '4. polarity standard at the meter terminals',
  alarms: '5. metering equipment detects and operates alarms',
  plausibility: 'plausibility of the metering (project check)',
  keyFields: 'key fields recorded (proving-test triggers)',
} as const;

export const overall = (checks: CheckResult[]): 'pass' | 'fail' => (checks.some((c) => c.status === 'fail') ? 'fail' : 'pass');
