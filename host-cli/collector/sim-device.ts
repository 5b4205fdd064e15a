// A simulated gateway's signed record stream (identity, hash chain, interval and alarm payloads), used by the
// collector's tests and the fleet bench. The real gateway signs in device/signing; this copy keeps host tools
// testable on their own and follows the same payload contract (device/records/record-types.ts).
import { generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { AlarmRecord, Channel, IntervalRecord, Quality, Resolution, SignedRecordPayload } from '../../device/records/record-types.js';
import { formatKwh } from '../exports/kwh.js';
import { settlementPeriodOf } from '../exports/settlement-day.js';
import { RESOLUTION_MS } from './gaps.js';
import { jwkThumbprint, publicJwkOf, recordHash, signCompactWith } from './jws.js';

export interface SimIdentity {
  device: string;
  alg: 'ES256' | 'EdDSA';
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
  kid: string;
}

export function newIdentity(device: string, alg: 'ES256' | 'EdDSA' = 'EdDSA'): SimIdentity {
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const publicJwk = publicJwkOf(publicKey);
  return { device, alg, privateKey, publicKey, publicJwk, kid: jwkThumbprint(publicJwk) };
}

export interface IntervalSpec {
  meter?: string;
  amsid?: string;
  channel?: Channel;
  start: string | number;
  resolution?: Resolution;
  energyWh: number;
  quality?: Quality;
  revision?: number;
  /** Register at period start, in counts of whPerCount (default: running total of the series). */
  registerStart?: bigint;
  whPerCount?: string;
  created?: string | number;
}

export class SimDevice {
  seq = 0;
  prevHash = '';
  private registers = new Map<string, bigint>();
  constructor(public identity: SimIdentity) {}

  get device(): string {
    return this.identity.device;
  }

  /** Signs and chains any payload body; returns the compact string and the payload. */
  seal<T extends SignedRecordPayload>(body: Omit<T, 'v' | 'dev' | 'seq' | 'prev' | 'kid' | 'created'> & { created?: string }, created: string): { compact: string; payload: T } {
    this.seq += 1;
    const payload = { v: 1, ...body, dev: this.device, seq: this.seq, prev: this.prevHash, kid: this.identity.kid, created } as unknown as T;
    const compact = signCompactWith(payload, this.identity.privateKey, this.identity.kid);
    this.prevHash = recordHash(compact);
    return { compact, payload };
  }

  interval(s: IntervalSpec): { compact: string; payload: IntervalRecord } {
    const resolution = s.resolution ?? 'PT30M';
    const startMs = typeof s.start === 'number' ? s.start : Date.parse(s.start);
    const endMs = startMs + RESOLUTION_MS[resolution];
    const meter = s.meter ?? 'm1';
    const channel = s.channel ?? 'import';
    const revision = s.revision ?? 0;
    const sp = settlementPeriodOf(startMs - (startMs % (30 * 60_000)));
    const regKey = `${meter}/${channel}`;
    const regStart = s.registerStart ?? this.registers.get(regKey) ?? 1_000_000n;
    const regEnd = regStart + BigInt(s.energyWh);
    this.registers.set(regKey, regEnd);
    const created = s.created === undefined ? new Date(endMs + 5_000).toISOString() : typeof s.created === 'number' ? new Date(s.created).toISOString() : s.created;
    const startIso = new Date(startMs).toISOString();
    return this.seal<IntervalRecord>(
      {
        type: 'interval',
        id: `${this.device}/${meter}/${channel}/${startIso}/r${revision}`,
        meter: { id: meter, serial: `SN-${meter}`, model: 'sdm630' },
        amsid: s.amsid ?? `AMS${this.device.toUpperCase()}${channel === 'import' ? 'I' : 'E'}`,
        channel,
        period: {
          start: startIso,
          end: new Date(endMs).toISOString(),
          resolution,
          settlementDate: sp.date,
          settlementPeriod: resolution === 'PT30M' ? sp.period : null,
        },
        energyWh: s.energyWh,
        energyKwh: formatKwh(BigInt(s.energyWh)),
        rawCounts: String(s.energyWh),
        register: { start: regStart.toString(), end: regEnd.toString(), whPerCount: s.whPerCount ?? '1' },
        quality: s.quality ?? 'actual',
        coveragePermille: s.quality === 'estimated' ? 500 : 1000,
        flags: [],
        revision,
      },
      created,
    );
  }

  alarm(kind: AlarmRecord['alarm'], at: string, state: 'raised' | 'cleared' = 'raised'): { compact: string; payload: AlarmRecord } {
    return this.seal<AlarmRecord>(
      { type: 'alarm', id: `${this.device}/alarm/${this.seq + 1}`, alarm: kind, meter: null, state, at, detail: 'simulated' },
      at,
    );
  }
}
