// The collector store: one schema, two backends (SQLite for one site, PostgreSQL for a fleet), same behaviour.
import type { AlarmRecord, SignedRecordPayload } from '../../device/records/record-types.js';
import type { JsonWebKey } from 'node:crypto';

/** Every reason a message is refused; docs/collector.md explains each. */
export type RejectReason =
  | 'malformed-jws'
  | 'payload-not-json'
  | 'payload-shape'
  | 'topic-mismatch'
  | 'unsupported-alg'
  | 'kid-mismatch'
  | 'unknown-key'
  | 'key-not-valid'
  | 'bad-signature'
  | 'replay-conflict'
  | 'chain-broken'
  | 'chain-fork';

export const REJECT_REASONS: readonly RejectReason[] = [
  'malformed-jws',
  'payload-not-json',
  'payload-shape',
  'topic-mismatch',
  'unsupported-alg',
  'kid-mismatch',
  'unknown-key',
  'key-not-valid',
  'bad-signature',
  'replay-conflict',
  'chain-broken',
  'chain-fork',
];

/** A record whose signature, key and shape have been checked; the store still checks replay and chain. */
export interface VerifiedRecord {
  id: string;
  device: string;
  seq: number;
  /** recordHash(compact) */
  hash: string;
  prev: string;
  kid: string;
  type: 'interval' | 'alarm';
  receivedAt: number;
  compact: string;
  payload: SignedRecordPayload;
}

export interface Rejection {
  receivedAt: number;
  topic: string;
  device: string | null;
  recordId: string | null;
  reason: RejectReason;
  detail: string;
  /** The message as received, cut to 4096 characters. */
  raw: string;
}

export interface RegisteredKey {
  device: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  jwk: JsonWebKey;
  /** Valid for records created at or after this time (ms since epoch). */
  validFrom: number;
  /** Revoked for records created at or after this time; null while valid. */
  validTo: number | null;
  source: string;
  addedAt: number;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejections: Rejection[];
}

export interface IntervalFilter {
  device?: string;
  /** Period start >= fromMs */
  fromMs?: number;
  /** Period start < toMs */
  toMs?: number;
}

/** One stored interval record (any revision). */
export interface StoredInterval {
  id: string;
  device: string;
  seq: number;
  receivedAt: number;
  payload: Extract<SignedRecordPayload, { type: 'interval' }>;
}

/**
 * Missing sequence numbers of one device, inclusive. `where`: before the first stored record (from 1), between two
 * stored records, or after the last stored one up to the latest seq the gateway announced (device_tails).
 */
export interface SeqGap {
  device: string;
  from: number;
  to: number;
  where: 'before-first' | 'between' | 'after-last';
}

export interface ChainReport {
  /** Per device: every missing seq range, from 1 up to the announced tail (or the last stored record). */
  gaps: SeqGap[];
  /** Adjacent stored records whose link does not match (can only arise from a race between collectors). */
  breaks: { device: string; seq: number; detail: string }[];
}

export interface StoreCounts {
  records: number;
  intervals: number;
  alarms: number;
  duplicates: number;
  rejections: Partial<Record<RejectReason, number>>;
}

/** The latest seq a gateway announced in its status/heartbeat (not signed: it only ever widens what is asked for). */
export interface DeviceTail {
  device: string;
  seq: number;
  /** When the collector last received an announcement that raised or confirmed it (ms). */
  seenAt: number;
}

/** Something the collector could not fix by itself (docs/collector.md "Recovery"), for operators and the console. */
export interface CollectorAlarm {
  at: number;
  device: string;
  /** `records-missing`: resend requested and the records did not come; `recovered`: they came after an alarm. */
  kind: 'records-missing' | 'recovered';
  /** Inclusive seq range concerned. */
  fromSeq: number;
  toSeq: number;
  detail: string;
}

/** The state of the collector's resend requests for one device's missing seqs (recovery.ts), kept in the store so
 * that a restarted collector goes on with its back-off and the fleet console can show how often it asked. */
export interface ResendRequest {
  device: string;
  /** The ranges last asked for: "from..to", comma-separated. */
  ranges: string;
  firstAt: number;
  lastAt: number;
  nextAt: number;
  attempts: number;
  /** Why the requests did not help, from the gateway's reply or the publish; null while none is known. */
  why: string | null;
}

export interface CollectorStore {
  readonly kind: 'sqlite' | 'postgres';
  init(): Promise<void>;
  close(): Promise<void>;

  addKey(key: RegisteredKey): Promise<void>;
  /** Sets validTo on the key; returns how many keys changed. */
  revokeKey(kid: string, atMs: number, device?: string): Promise<number>;
  listKeys(device?: string): Promise<RegisteredKey[]>;

  /** Stores verified records and the rejections in one transaction; replay and chain rules apply (ingest-rules.ts). */
  ingest(records: VerifiedRecord[], rejections: Rejection[]): Promise<IngestResult>;

  counts(): Promise<StoreCounts>;
  listRejections(limit: number): Promise<Rejection[]>;
  /** Interval records, every revision, ordered by device, meter, channel, period start, revision. */
  intervals(filter: IntervalFilter): Promise<StoredInterval[]>;
  /** Missing seqs (from 1 to the announced tail) and broken links. */
  chainReport(device?: string): Promise<ChainReport>;
  /** Stored records at these (device, seq), by seqKey: their prev and kid (chain-auth.ts vouching by a stored successor). */
  linksAt?(keys: { device: string; seq: number }[]): Promise<Map<string, StoredLink>>;

  /** Raises each device's announced tail to `seq` (never lowers it). */
  noteTails(tails: DeviceTail[]): Promise<void>;
  listTails(device?: string): Promise<DeviceTail[]>;
  addAlarm(a: CollectorAlarm): Promise<void>;
  /** Newest first. */
  listAlarms(limit: number, device?: string): Promise<CollectorAlarm[]>;
  /** The newest `limit` of the gateways' own signed alarm records (type 'alarm'), newest first. */
  gatewayAlarms(limit: number, device?: string): Promise<GatewayAlarm[]>;
  /** Records a device's resend request state (replacing the previous one). */
  noteResendRequest(r: ResendRequest): Promise<void>;
  /** Forgets a device's resend requests: every record asked for is stored. */
  clearResendRequest(device: string): Promise<void>;
  listResendRequests(device?: string): Promise<ResendRequest[]>;
}

/** What a stored record tells about its predecessor: the hash it links to, and the key it was signed with. */
export interface StoredLink {
  prev: string;
  kid: string;
}

/** The primitives ingest-rules.ts needs inside one transaction. */
export interface IngestTx {
  byIds(ids: string[]): Promise<Map<string, { hash: string }>>;
  bySeqs(keys: { device: string; seq: number }[]): Promise<Map<string, { id: string; hash: string; prev: string }>>;
  /** Inserts, skipping any row that clashes with a stored id or (device, seq); returns the ids inserted. */
  insertRecords(rows: VerifiedRecord[]): Promise<Set<string>>;
  insertRejections(rows: Rejection[]): Promise<void>;
  addCounter(name: string, n: number): Promise<void>;
}

export const seqKey = (device: string, seq: number): string => `${device}\u0000${seq}`;

/** One stored gateway alarm record, decoded from its signed string (verified on ingest). */
export interface GatewayAlarm {
  device: string;
  seq: number;
  alarm: AlarmRecord['alarm'];
  /** null: device-wide. */
  meter: string | null;
  state: AlarmRecord['state'];
  at: string;
  detail: string;
}
