// A simulated gateway's signed record stream for the collector's tests and the fleet bench: the payloads are
// sealed by the gateway's own code (device/records/record-chain.ts, device/signing), so the head-end is tested
// against exactly what a gateway emits.
import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { AlarmRecord, Channel, IntervalRecord, Quality, Resolution } from '../../device/records/record-types.js';
import { sealRecord, type RecordBody } from '../../device/records/record-chain.js';
import { deviceKeyFromPrivate, jwkThumbprint, newPrivateKeyPem, publicJwkOf, type DeviceKey } from '../../device/signing/device-key.js';
import { formatKwh } from '../exports/kwh.js';
import { periodAt } from '../../device/settlement/periods.js';
import { RESOLUTION_MS } from './gaps.js';

export interface SimIdentity {
  device: string;
  alg: 'ES256' | 'EdDSA';
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JsonWebKey;
  kid: string;
}

export function newIdentity(device: string, alg: 'ES256' | 'EdDSA' = 'EdDSA'): SimIdentity {
  // From PEM text, never from generateKeyPairSync's own KeyObject (a Node 20 deadlock: newPrivateKeyPem).
  const { privateKey, publicKey } = deviceKeyFromPrivate(newPrivateKeyPem(alg));
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
  private key: DeviceKey;
  constructor(public identity: SimIdentity) {
    this.key = deviceKeyFromPrivate(identity.privateKey);
  }

  get device(): string {
    return this.identity.device;
  }

  /** Seals (numbers, links, signs) a payload body with the gateway's sealRecord. */
  seal<T extends IntervalRecord | AlarmRecord>(body: RecordBody, created: string): { compact: string; payload: T } {
    const r = sealRecord(body, { deviceId: this.device, chain: { seq: this.seq, prevHash: this.prevHash }, key: this.key, nowMs: Date.parse(created) });
    this.seq = r.chain.seq;
    this.prevHash = r.chain.prevHash;
    return { compact: r.compact, payload: r.payload as T };
  }

  interval(s: IntervalSpec): { compact: string; payload: IntervalRecord } {
    const resolution = s.resolution ?? 'PT30M';
    const startMs = typeof s.start === 'number' ? s.start : Date.parse(s.start);
    const endMs = startMs + RESOLUTION_MS[resolution];
    const meter = s.meter ?? 'm1';
    const channel = s.channel ?? 'import';
    const revision = s.revision ?? 0;
    const sp = periodAt(startMs, 'PT30M');
    const regKey = `${meter}/${channel}`;
    const regStart = s.registerStart ?? this.registers.get(regKey) ?? 1_000_000n;
    const regEnd = regStart + BigInt(s.energyWh);
    this.registers.set(regKey, regEnd);
    const created = s.created === undefined ? new Date(endMs + 5_000).toISOString() : typeof s.created === 'number' ? new Date(s.created).toISOString() : s.created;
    const startIso = new Date(startMs).toISOString();
    return this.seal<IntervalRecord>(
      {
        type: 'interval',
        meter: { id: meter, serial: `SN-${meter}`, model: 'sdm630' },
        amsid: s.amsid ?? `AMS${this.device.toUpperCase()}${channel === 'import' ? 'I' : 'E'}`,
        channel,
        period: {
          start: startIso,
          end: new Date(endMs).toISOString(),
          resolution,
          settlementDate: sp.settlementDate,
          settlementPeriod: resolution === 'PT30M' ? sp.settlementPeriod : null,
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
      { type: 'alarm', alarm: kind, meter: null, state, at, detail: 'simulated' },
      at,
    );
  }
}
