// The collector's verification path alone (no broker, no database): a backlog of N devices x per records, in the
// fleet bench's arrival order, through verifyPending in batches, each looking ahead at the next as the collector
// does. Prints the CPU per record (main thread and thread pool together) and the signatures verified, so that a
// change to the record rules or the chain can be measured without the fleet bench's noise.
//
//   npx tsx bench/verify-batch.ts [--devices 5000] [--per 10] [--batch 25000] [--alg ES256|EdDSA] [--rounds 3]
import { verifyPending } from '../host-cli/collector/batch-verify.js';
import type { Incoming } from '../host-cli/collector/chain-auth.js';
import { KeyRing } from '../host-cli/collector/key-ring.js';
import { newIdentity, SimDevice } from '../host-cli/collector/sim-device.js';
import type { CollectorStore } from '../host-cli/collector/store-types.js';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}
const DEVICES = Number(arg('devices', '5000'));
const PER = Number(arg('per', '10'));
const BATCH = Number(arg('batch', '25000'));
const ALG = arg('alg', 'ES256') as 'ES256' | 'EdDSA';
const ROUNDS = Number(arg('rounds', '3'));
const T0 = Date.parse('2026-06-01T00:00:00Z');

const devices = Array.from({ length: DEVICES }, (_, i) => new SimDevice(newIdentity(`vb-${i}`, ALG)));
const rows = devices.map((d) => ({ device: d.device, kid: d.identity.kid, alg: d.identity.alg, jwk: d.identity.publicJwk, validFrom: 0, validTo: null, source: 'bench', addedAt: 0 }));
const msgs: { topic: string; payload: Buffer }[] = [];
for (let k = 0; k < PER; k++) {
  for (const d of devices) msgs.push({ topic: `amsgate/v1/${d.device}/interval`, payload: Buffer.from(d.interval({ start: T0 + k * 1_800_000, energyWh: (k * 37) % 900 }).compact) });
}
console.log(`verify-batch: ${DEVICES} devices x ${PER} = ${msgs.length} records (${ALG}), batches of ${BATCH} with look-ahead, ${ROUNDS} rounds`);

const store = {} as CollectorStore;
for (let round = 1; round <= ROUNDS; round++) {
  // A fresh ring each round: a restarted collector imports every key once, as here.
  const ring = KeyRing.from(rows);
  const queue: Incoming[] = msgs.map((m) => ({ topic: m.topic, payload: m.payload, receivedAt: T0 }));
  const stats = { signatures: 0, linked: 0, linkedByStore: 0 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let accepted = 0;
  for (let i = 0; i < queue.length; i += BATCH) {
    const v = await verifyPending(queue.slice(i, i + BATCH), { ring, store, chain: true, tailOf: () => 0, stats }, queue.slice(i + BATCH, i + 2 * BATCH));
    accepted += v.records.length;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / msgs.length;
  console.log(`round ${round}: ${accepted} accepted in ${(ms / 1000).toFixed(2)} s (${Math.round(msgs.length / (ms / 1000))} records/s), CPU ${us.toFixed(1)} us/record, ${stats.signatures} signatures, ${stats.linked} linked`);
}
