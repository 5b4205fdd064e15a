// What the RTU and TCP clients share: the ModbusClient methods, one transaction at a time, the counters,
// per-unit back-off (unit-health.ts) and the retry loop. Each transport supplies one attempt on its wire and
// says what its own transport errors mean.
import type { Clock } from '../clock.js';
import { FrameError, TimeoutError, TransportError } from '../errors.js';
import type { ModbusClient, ReadFunctionCode, StampedRegisters } from '../modbus-client.js';
import { emptyStats, type ModbusStats } from './client-stats.js';
import { ModbusExceptionError } from './exception.js';
import type { ModbusRequest, ModbusResponse } from './pdu.js';
import { SerialQueue } from './serial-queue.js';
import { DEFAULT_BACKOFF, UnitHealth, type BackoffPolicy } from './unit-health.js';

export const DEFAULT_RETRIES = 2;

/** What to do after an attempt failed with an error that is neither a timeout, a damaged frame nor an exception. */
export type OtherErrorAction = 'throw' | 'retry' | 'stop';

/** A response and the clock time its frame was complete on the wire side of the client (before decoding). */
export interface ReceivedResponse {
  response: ModbusResponse;
  receivedAt: number;
}

export abstract class TransactionClient implements ModbusClient {
  protected readonly queue = new SerialQueue();
  protected readonly health: UnitHealth;
  protected readonly counters: ModbusStats = emptyStats();
  protected readonly retries: number;
  protected closed = false;

  protected constructor(protected readonly clock: Clock, retries: number | undefined, backoff: Partial<BackoffPolicy> | undefined) {
    this.retries = retries ?? DEFAULT_RETRIES;
    this.health = new UnitHealth(clock, { ...DEFAULT_BACKOFF, ...backoff });
  }

  /** One logical transaction (null for a broadcast, which gets no answer). */
  protected abstract transact(unit: number, req: ModbusRequest): Promise<ReceivedResponse | null>;
  /** Releases the port or socket once the queue is idle. */
  protected abstract release(): Promise<void>;

  async readRegisters(unit: number, fc: ReadFunctionCode, address: number, count: number): Promise<Uint16Array> {
    return (await this.readRegistersStamped(unit, fc, address, count)).registers;
  }

  async readRegistersStamped(unit: number, fc: ReadFunctionCode, address: number, count: number): Promise<StampedRegisters> {
    const r = await this.transact(unit, { fc, address, count });
    // Only a broadcast gets no reply, and reads are never broadcast (the transports refuse them).
    if (!r) throw new TransportError('no-reply', `read of unit ${unit} got no reply`);
    return { registers: r.response.fc === 3 || r.response.fc === 4 ? r.response.registers : new Uint16Array(0), receivedAt: r.receivedAt };
  }

  async writeRegister(unit: number, address: number, value: number): Promise<void> {
    await this.transact(unit, { fc: 6, address, value });
  }

  async writeRegisters(unit: number, address: number, values: readonly number[]): Promise<void> {
    await this.transact(unit, { fc: 16, address, values: [...values] });
  }

  stats(): ModbusStats {
    return { ...this.counters };
  }

  /** Units that are failing or in back-off. */
  unitHealth(): ReturnType<UnitHealth['snapshot']> {
    return this.health.snapshot();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.idle();
    await this.release();
  }

  /** Throws UnitBackoffError while `unit` is in back-off, without touching the bus. */
  protected rejectIfBackoff(unit: number): void {
    try {
      this.health.check(unit);
    } catch (err) {
      this.counters.backoffRejections++;
      throw err;
    }
  }

  /**
   * Up to 1 + retries attempts (no retries while the unit is suspect). An exception response is an answer and
   * is never retried; timeouts and damaged frames are counted and retried; `other` decides the rest. A
   * transaction that ends in a timeout counts against the unit; one that ends in a damaged frame clears the
   * unit's failures when `damagedMeansAlive`.
   */
  protected async withRetries<T>(
    unit: number,
    attempt: () => Promise<T>,
    policy: { other(err: Error): OtherErrorAction; damagedMeansAlive: boolean },
  ): Promise<T> {
    const retries = this.health.retriesFor(unit, this.retries);
    let last: Error = new TimeoutError('modbus-timeout', 'no attempt made');
    for (let n = 0; n <= retries; n++) {
      if (n > 0) this.counters.retries++;
      try {
        const r = await attempt();
        this.health.answered(unit);
        return r;
      } catch (err) {
        if (err instanceof ModbusExceptionError) {
          this.counters.exceptions++;
          this.health.answered(unit);
          throw err;
        }
        if (err instanceof TimeoutError) this.counters.timeouts++;
        else if (err instanceof FrameError) this.counters.frameErrors++;
        last = err as Error;
        if (!(err instanceof TimeoutError || err instanceof FrameError)) {
          const action = policy.other(last);
          if (action === 'throw') throw err;
          if (action === 'stop') break;
        }
      }
    }
    if (last instanceof TimeoutError) this.health.timedOut(unit);
    else if (last instanceof FrameError && policy.damagedMeansAlive) this.health.answered(unit);
    throw last;
  }
}
