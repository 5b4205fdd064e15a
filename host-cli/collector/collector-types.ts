// Options, counters and the queued-message type of the collector daemon (collector.ts).
import type { Clock } from '../../drivers/clock.js';
import type { CollectorStore, RejectReason } from './store-types.js';
import type { Incoming } from './chain-auth.js';
import type { MemberPresence } from './member-presence.js';

export interface CollectorOptions {
  broker: string;
  store: CollectorStore;
  group?: string;
  clientId?: string;
  /** 5 for Mosquitto (default); 4 (3.1.1) for brokers such as aedes. */
  protocolVersion?: 4 | 5;
  /** Use a shared subscription ($share/<group>/...); default true. */
  shared?: boolean;
  batchSize?: number;
  /** A batch is cut once it is full, or no message came for flushMs (default 5), or its oldest waited maxWaitMs (500). */
  flushMs?: number;
  maxWaitMs?: number;
  keyRefreshMs?: number;
  ackMode?: 'deferred' | 'serial';
  clock?: Clock;
  log?: (event: Record<string, unknown>) => void;
  /** Session expiry for MQTT v5 persistent sessions, seconds (default 7 days). */
  sessionExpiry?: number;
  /** Connection attempts before start() gives up (default 5); once connected, reconnection never stops. */
  connectAttempts?: number;
  /** Reconnect back-off: first delay and ceiling, ms (default 1 s, 30 s). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Authenticate runs of records by the hash chain (chain-auth.ts); false verifies every signature. Default true. */
  chainAuth?: boolean;
  /** Replies to commands (resend) on amsgate/v1/+/reply, for the recovery loop. */
  onReply?: (device: string, reply: unknown) => void;
  /**
   * Announce this member's presence (retained online, offline as the last will) and hear the group's other members
   * (adoption.ts): every presence message read is handed to onMemberPresence, `retained` when the broker kept it.
   */
  presence?: boolean;
  onMemberPresence?: (p: MemberPresence, retained: boolean) => void;
  /** An adopter: takes over the session under clientId (which must exist), never reconnects, announces nothing. */
  adopter?: boolean;
  /** Called once when the connection ends for good (an adopter's). */
  onClosed?: () => void;
}

export interface CollectorStats {
  received: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  byReason: Partial<Record<RejectReason, number>>;
  batches: number;
  storeErrors: number;
  acked: number;
  /** Status/heartbeat messages read for the chain tail. */
  statuses: number;
  /** Signatures verified, and records authenticated by their successor's hash link instead (chain-auth.ts). */
  signatures: number;
  linked: number;
  /** Of `linked`, records whose successor was already stored (a resend, a late record, another collector's share). */
  linkedByStore: number;
}

export interface Pending {
  topic: string;
  payload: Buffer;
  qos: number;
  messageId: number | undefined;
  gen: number;
  receivedAt: number;
  /** performance.now() on arrival (batch cutting; receivedAt follows the injected clock). */
  at: number;
  puback?: unknown;
  ack?: () => void;
  /** Verification results kept from a look-ahead (chain-auth.ts Incoming). */
  memo?: Incoming['memo'];
}

export type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

