// A simulated IEC 62056-21 mode C meter on a serial line: answers a sign-on with its identification,
// takes the acknowledgement/option select, and sends the data block at the agreed baud. The pty ignores
// baud rates, so every reply waits for the wire time its bytes would take (300 baud until the switch).
import { ReadlineParser } from '@serialport/parser-readline';
import type { RunningSimulator, SimulatorOptions } from '../catalog.js';
import type { PhysicalState } from '../sim/physical-meter.js';
import { wireTimeMs } from '../sim/wire-timing.js';
import { lineDelay } from '../uart/serial-line.js';
import { drawFault } from '../uart/sim-faults.js';
import { SerialSim } from '../uart/sim-line.js';
import { IEC62056_SIGN_ON_LINE } from './client.js';
import { encodeDataBlock } from './data-block.js';
import { MODE_C_BAUD, baudChar, encodeIdentification, parseAckOptionSelect, parseSignOn } from './messages.js';

export interface Iec62056SimOptions extends SimulatorOptions {
  /** Device address the meter answers to besides the empty one (default: the unit number, if given). */
  deviceAddress?: string;
  /** Highest baud the meter offers (default 9600). */
  maxBaud?: number;
  /**
   * Reaction time before each reply (default 60 ms). The standard's normal one is 200 ms and its short one
   * 20 ms; 60 ms keeps tests quick while leaving the client time to switch baud after its ACK.
   */
  reactionMs?: number;
  serial?: string;
}

/** How long the meter waits for the acknowledgement before returning to idle. */
const ACK_TIMEOUT_MS = 2000;

const fixed = (x: number, intDigits: number, decimals: number) => {
  const s = x.toFixed(decimals);
  const [i, f] = s.split('.');
  return `${i!.padStart(intDigits, '0')}${f !== undefined ? `.${f}` : ''}`;
};

/** Registers as stored at the end of the last billing period (printed as group F = 01). */
export interface BillingSnapshot {
  importWh: number;
  exportWh: number;
}

/**
 * The meter's data lines for a physical state: kWh with 3 decimals, 6 integer digits (rolls over at 10^6 kWh).
 * Billing-period values (1.8.0*01, 2.8.0*01) come first, as many meters print them, so that a reader which takes
 * them for the current registers is caught.
 */
export function readoutLines(s: PhysicalState, serial: string, billing?: BillingSnapshot): string[] {
  const kwh = (wh: number) => fixed((Math.floor(wh + 1e-9) % 1_000_000_000) / 1000, 6, 3);
  const v = s.voltageV;
  const i = s.currentA;
  return [
    `0.0.0(${serial})`,
    'F.F(00000000)',
    ...(billing ? [`1.8.0*01(${kwh(billing.importWh)}*kWh)`, `2.8.0*01(${kwh(billing.exportWh)}*kWh)`] : []),
    `1.8.0(${kwh(s.importWh)}*kWh)`,
    `2.8.0(${kwh(s.exportWh)}*kWh)`,
    ...['32.7.0', '52.7.0', '72.7.0'].slice(0, v.length).map((c, k) => `${c}(${fixed(v[k]!, 3, 1)}*V)`),
    ...['31.7.0', '51.7.0', '71.7.0'].slice(0, i.length).map((c, k) => `${c}(${fixed(i[k]!, 3, 2)}*A)`),
    `16.7.0(${s.powerW < 0 ? '-' : ''}${fixed(Math.abs(s.powerW) / 1000, 2, 3)}*kW)`,
    `14.7.0(${fixed(s.frequencyHz, 2, 2)}*Hz)`,
    `13.7.0(${s.powerFactor.toFixed(2)})`,
  ];
}

export async function startIec62056Simulator(o: Iec62056SimOptions): Promise<RunningSimulator> {
  const sim = await SerialSim.open(o, 'IEC 62056-21 meter', IEC62056_SIGN_ON_LINE, 3);
  const rnd = sim.random;
  const serial = o.serial ?? 'AMS00000001';
  const address = o.deviceAddress ?? (o.unit !== undefined ? String(o.unit) : '');
  const maxBaud = o.maxBaud ?? 9600;
  const z = baudChar(maxBaud);
  const reaction = o.reactionMs ?? 60;
  const s300 = IEC62056_SIGN_ON_LINE;
  let frozen: string[] | null = null;
  const snapshot = (): BillingSnapshot => {
    const st = sim.physical.state();
    return { importWh: st.importWh, exportWh: st.exportWh };
  };
  let billing = snapshot();
  let state: { kind: 'idle' } | { kind: 'await-ack'; since: number } = { kind: 'idle' };

  // The reaction time applies even without wire timing: the client switches baud after its ACK, and
  // serialport's update() flushes the input queue, so the block must not arrive before the switch.
  const send = (bytes: Uint8Array, baud: number, extraBytesOnWire = 0): Promise<void> =>
    sim.sendAfter(reaction + sim.slowMs() + sim.wireMs(bytes.length + extraBytesOnWire, { ...s300, baud }), bytes);

  const onLine = (text: string): void => {
    sim.serially(async () => {
      if (sim.closed) return;
      const line = Array.from(text, (c) => String.fromCharCode(c.charCodeAt(0) & 0x7f)).join('');
      if (line.startsWith('/?')) {
        let addr: string;
        try {
          addr = parseSignOn(line);
        } catch {
          return;
        }
        if (addr !== '' && addr !== address) return;
        if (drawFault(sim.faults, rnd) === 'timeout') return;
        state = { kind: 'await-ack', since: Date.now() };
        await send(Buffer.from(encodeIdentification('AMS', z, 'amsgate-sim'), 'latin1'), 300, line.length + 2);
        return;
      }
      if (state.kind !== 'await-ack' || Date.now() - state.since > ACK_TIMEOUT_MS) {
        state = { kind: 'idle' };
        return;
      }
      state = { kind: 'idle' };
      let ack;
      try {
        ack = parseAckOptionSelect(line);
      } catch {
        return;
      }
      const baud = MODE_C_BAUD[ack.baudChar];
      // Only data readout at a baud this meter offers; anything else (programming mode) is not simulated.
      if (ack.mode !== '0' || baud === undefined || baud > maxBaud) return;
      // The ACK itself still occupies the line at 300 baud. The simulator's own pty is not switched: a pty
      // ignores baud, and serialport's update() would flush bytes still on their way.
      // Kept even without wire timing: the client switches baud only after the ACK's wire time.
      await lineDelay(wireTimeMs(line.length + 2, s300));
      const lines = sim.faults.frozen && frozen ? frozen : readoutLines(sim.physical.state(), serial, billing);
      frozen = lines;
      let block = encodeDataBlock(lines);
      const fault = drawFault(sim.faults, rnd);
      if (fault === 'checksum') {
        block = block.slice();
        block[block.length - 1] = block[block.length - 1]! ^ 0x11;
      }
      if (fault === 'garbage') {
        // Line noise flips bits in the middle of the block: the BCC must catch it.
        block = block.slice();
        const k = 1 + Math.floor(rnd() * (block.length - 3));
        block[k] = block[k]! ^ (1 + Math.floor(rnd() * 0x7f));
      }
      if (fault !== 'timeout') await send(block, baud);
    });
  };

  const parser = new ReadlineParser({ delimiter: '\r\n', encoding: 'latin1' });
  sim.line.port.pipe(parser);
  parser.on('data', (l: string) => onLine(l));

  return sim.running({
    onFaults: (f) => {
      if (!f.frozen) frozen = null;
    },
    onReset: () => {
      frozen = null;
      billing = snapshot();
    },
    onClose: () => {
      sim.line.port.unpipe(parser);
      parser.destroy();
    },
  });
}
