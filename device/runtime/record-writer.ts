// Seals records on the device chain and writes record, chain state and outbox row in one SQLite transaction:
// either all of them survive a crash or none does, so no record is ever signed twice with different content.
import { GENESIS, sealRecord, type ChainState, type RecordBody } from '../records/record-chain.js';
import type { AlarmRecord, IntervalRecord, SignedRecordPayload } from '../records/record-types.js';
import type { DeviceKey } from '../signing/device-key.js';
import type { GatewayStore } from '../store/gateway-store.js';
import { topics } from '../mqtt/topics.js';

const CHAIN_KEY = 'chain';

export type IntervalBody = Omit<IntervalRecord, 'v' | 'id' | 'dev' | 'seq' | 'prev' | 'kid' | 'created'>;
export type AlarmBody = Omit<AlarmRecord, 'v' | 'id' | 'dev' | 'seq' | 'prev' | 'kid' | 'created'>;

export interface Sealed {
  compact: string;
  payload: SignedRecordPayload;
}

export class RecordWriter {
  constructor(
    private readonly store: GatewayStore,
    readonly deviceId: string,
    private readonly key: DeviceKey,
  ) {}

  chain(): ChainState {
    return this.store.getMeta<ChainState>(CHAIN_KEY) ?? GENESIS;
  }

  private seal(body: RecordBody, nowMs: number): Sealed {
    const r = sealRecord(body, { deviceId: this.deviceId, chain: this.chain(), key: this.key, nowMs });
    this.store.setMeta(CHAIN_KEY, r.chain);
    // Kept whatever the outbox does with its delivery (outbox trim, resend by seq).
    this.store.insertRecord({ seq: r.payload.seq, recordId: r.payload.id, type: r.payload.type, compact: r.compact, createdAt: nowMs });
    return r;
  }

  /** Seals a record, stores it and queues it; joins the caller's transaction if there is one. */
  writeInterval(body: IntervalBody, periodStartMs: number, periodEndMs: number, nowMs: number): Sealed {
    return this.store.transaction(() => {
      const s = this.seal(body, nowMs);
      this.store.insertInterval({
        recordId: s.payload.id,
        meter: body.meter.id,
        channel: body.channel,
        resolution: body.period.resolution,
        periodStart: periodStartMs,
        periodEnd: periodEndMs,
        revision: body.revision,
        energyWh: BigInt(body.energyWh),
        quality: body.quality,
        seq: s.payload.seq,
        compact: s.compact,
        createdAt: nowMs,
      });
      this.store.outbox.enqueue(topics.interval(this.deviceId), s.compact, 1, s.payload.id, nowMs);
      return s;
    });
  }

  /** Seals an alarm record, stores and queues it; the caller updates the alarms table in the same transaction. */
  writeAlarm(body: AlarmBody, nowMs: number): Sealed {
    return this.store.transaction(() => {
      const s = this.seal(body, nowMs);
      this.store.outbox.enqueue(topics.alarm(this.deviceId), s.compact, 1, s.payload.id, nowMs);
      return s;
    });
  }
}
