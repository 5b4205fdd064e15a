// The fleet bench's stand-in for 10 000 gateways: QoS 1 PUBLISH packets (MQTT 3.1.1, section 3.3) encoded before the
// clock starts and written straight to one TCP connection, a window of them unacknowledged at a time. In the field
// the gateways are other machines; mqtt.js here cost ~30 us of this machine's CPU per record, taken from the
// collectors the bench measures. Only what the bench needs: CONNECT/CONNACK, PUBLISH QoS 1, PUBACK.
import { connect, type Socket } from 'node:net';

function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const utf8 = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};

/** A QoS 1 PUBLISH with packet id `id` (1..65535). */
export function publishPacket(topic: string, payload: string, id: number): Buffer {
  const pid = Buffer.alloc(2);
  pid.writeUInt16BE(id);
  const body = Buffer.concat([utf8(topic), pid, Buffer.from(payload, 'utf8')]);
  return Buffer.concat([Buffer.from([0x32]), remainingLength(body.length), body]);
}

function connectPacket(clientId: string): Buffer {
  // protocol name "MQTT", level 4, flags: clean session; keep-alive 60 s
  const body = Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 60]), utf8(clientId)]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

export interface RawPublisher {
  /** Writes the packets in order, at most `window` unacknowledged; resolves when every PUBACK has come back. */
  send(packets: Buffer[], window: number, onSent?: (i: number) => void): Promise<void>;
  close(): void;
}

export async function rawPublisher(url: string, clientId: string): Promise<RawPublisher> {
  const u = new URL(url);
  const sock: Socket = connect({ host: u.hostname, port: Number(u.port || 1883) });
  sock.setNoDelay(true);
  let acked = 0;
  let wake: (() => void) | null = null;
  let pending: Buffer = Buffer.alloc(0);
  let connacked: (() => void) | null = null;
  let failed: Error | null = null;
  sock.on('data', (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    // Only CONNACK (0x20 0x02 ..) and PUBACK (0x40 0x02 id) come back on this connection: 4 bytes each.
    let i = 0;
    for (; i + 4 <= pending.length; i += 4) {
      const type = pending[i]! >> 4;
      if (type === 2) {
        if (pending[i + 3] !== 0) failed = new Error(`CONNACK refused the publisher: return code ${pending[i + 3]}`);
        connacked?.();
      } else if (type === 4) acked++;
      else failed = new Error(`unexpected MQTT packet type ${type} on the publisher connection`);
    }
    pending = pending.subarray(i);
    wake?.();
  });
  sock.on('error', (e) => {
    failed = e;
    wake?.();
    connacked?.();
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', () => sock.write(connectPacket(clientId)));
    connacked = () => (failed ? reject(failed) : resolve());
  });
  connacked = null;
  const waitFor = (cond: () => boolean): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (failed) reject(failed);
        else if (cond()) {
          wake = null;
          resolve();
        }
      };
      wake = check;
      check();
    });
  return {
    send: async (packets, window, onSent) => {
      const base = acked;
      for (let i = 0; i < packets.length; ) {
        if (i - (acked - base) >= window) await waitFor(() => i - (acked - base) < window);
        // As many as the window has room for, in one write.
        const end = Math.min(packets.length, i + window - (i - (acked - base)));
        sock.write(Buffer.concat(packets.slice(i, end)));
        for (; i < end; i++) onSent?.(i);
      }
      await waitFor(() => acked - base >= packets.length);
    },
    close: () => sock.end(),
  };
}
