// The payload of every signed record a gateway emits (JWS compact, RFC 7515). docs/signed-record.md
// describes each field; change both together. Energy is integer Wh; kWh strings are for humans and markets.

export type Channel = 'import' | 'export';
export type Quality = 'actual' | 'estimated';
export type Resolution = 'PT15M' | 'PT30M' | 'PT60M';

/** Flags an interval can carry (docs/signed-record.md explains each). */
export type IntervalFlag =
  | 'voltage-out-of-range'
  | 'frequency-out-of-range'
  | 'overcurrent'
  | 'alarm-active'
  | 'gap'
  | 'counter-wrap'
  | 'meter-reset'
  | 'clock-unsynchronised'
  | 'late-data'
  /** Part of the energy came from a counter of both directions whose split had to be estimated (power changed sign). */
  | 'direction-estimated'
  /** The register went forward by more than the elapsed time allows at Imax: counted in full, to be validated. */
  | 'implausible-advance'
  /** Register energy and the integral of polled power disagree beyond the configured tolerance. */
  | 'energy-power-mismatch';

export interface RecordCommon {
  /** Format version of this payload. */
  v: 1;
  /** Idempotent id: the same interval revision always gets the same id. */
  id: string;
  /** Device (gateway) id. */
  dev: string;
  /** Per-device sequence number over all records (intervals and alarms), from 1, no gaps. */
  seq: number;
  /** base64url SHA-256 of the previous record's JWS compact string; "" for seq 1. */
  prev: string;
  /** Key id (RFC 7638 JWK thumbprint) of the signing key; also in the JWS header. */
  kid: string;
  /** ISO 8601 UTC time the record was created. */
  created: string;
}

export interface IntervalRecord extends RecordCommon {
  type: 'interval';
  meter: { id: string; serial: string; model: string };
  amsid: string;
  channel: Channel;
  period: {
    start: string;
    end: string;
    resolution: Resolution;
    /** GB settlement date (local Europe/London day) of the period start, YYYY-MM-DD. */
    settlementDate: string;
    /** Settlement period 1..50 for PT30M; null for other resolutions. */
    settlementPeriod: number | null;
  };
  /** Compensated primary energy, integer Wh. */
  energyWh: number;
  /** energyWh / 1000 with exactly three decimals. */
  energyKwh: string;
  /** Uncompensated energy in meter counts for the period (decimal integer string), for recomputation. */
  rawCounts: string;
  /** Extended register values (decimal integer strings, meter counts) at period start and end (interpolated where apportioned). */
  register: { start: string; end: string; whPerCount: string };
  quality: Quality;
  /** Fraction of the period covered by actual readings, in parts per thousand (0..1000). */
  coveragePermille: number;
  flags: IntervalFlag[];
  /** 0 for the first issue; +1 for each later revision (late data). */
  revision: number;
}

export type AlarmKind =
  | 'meter-comms-failure'
  | 'frame-error-rate'
  | 'counter-reset'
  | 'counter-decrease'
  | 'reverse-energy'
  | 'clock-unsynchronised'
  | 'clock-stepped'
  | 'power-outage'
  | 'key-field-change'
  | 'proving-test-due'
  | 'storage-limit'
  | 'storage-write-failed'
  | 'backlog-limit'
  | 'implausible-advance'
  | 'energy-power-mismatch'
  | 'test';

export interface AlarmRecord extends RecordCommon {
  type: 'alarm';
  alarm: AlarmKind;
  /** Meter id the alarm concerns, or null for device-wide alarms. */
  meter: string | null;
  state: 'raised' | 'cleared';
  at: string;
  detail: string;
}

export type SignedRecordPayload = IntervalRecord | AlarmRecord;
