// A serial line to one SCPI-style instrument: one command out, one reply line back, in order.
import { SerialPort } from 'serialport';
import { ReadlineParser } from '@serialport/parser-readline';
import { TimeoutError, TransportError } from '../../drivers/errors.js';
import { InstrumentError } from './instrument-error.js';
import { parseErrReply } from './scpi-commands.js';

export interface ScpiLineOptions {
  path: string;
  baudRate?: number;
  timeoutMs?: number;
}

export class ScpiLine {
  private pending: { resolve: (s: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private constructor(
    private readonly port: SerialPort,
    private readonly name: string,
    private readonly timeoutMs: number,
  ) {
    const parser = port.pipe(new ReadlineParser({ delimiter: '\n' }));
    parser.on('data', (line: string) => {
      const p = this.pending;
      if (!p) return; // an unsolicited line: ignored
      this.pending = null;
      clearTimeout(p.timer);
      p.resolve(line.replace(/\r$/, ''));
    });
    port.on('error', (e) => this.pending?.reject(new TransportError('serial', `${name}: ${e.message}`)));
  }

  static async open(o: ScpiLineOptions): Promise<ScpiLine> {
    const port = new SerialPort({ path: o.path, baudRate: o.baudRate ?? 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((e) => (e ? reject(new TransportError('serial-open', `cannot open instrument port ${o.path}: ${e.message}`)) : resolve())),
    );
    return new ScpiLine(port, o.path, o.timeoutMs ?? 2000);
  }

  /** Sends one line and returns the reply; an "ERR" reply becomes an InstrumentError (exit 3) naming the command. */
  request(cmd: string): Promise<string> {
    const run = async (): Promise<string> => {
      const reply = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending = null;
          reject(new TimeoutError('instrument-timeout', `${this.name}: no reply to "${cmd}" within ${this.timeoutMs} ms; check the cable, port and baud rate`));
        }, this.timeoutMs);
        this.pending = { resolve, reject, timer };
        this.port.write(`${cmd}\n`, (e) => {
          if (e) reject(new TransportError('serial-write', `${this.name}: ${e.message}`));
        });
      });
      const err = parseErrReply(reply);
      if (err) throw new InstrumentError('instrument-refused', `${this.name} refused "${cmd}": ${err.code} ${err.text}`, { code: err.code });
      return reply;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => {});
    return p;
  }

  async expectOk(cmd: string): Promise<void> {
    const r = await this.request(cmd);
    if (r.trim() !== 'OK') throw new InstrumentError('instrument-reply', `${this.name}: expected "OK" to "${cmd}", got "${r}"`);
  }

  async number(cmd: string): Promise<number> {
    const r = await this.request(cmd);
    const x = Number(r.trim());
    if (!Number.isFinite(x)) throw new InstrumentError('instrument-reply', `${this.name}: expected a number in reply to "${cmd}", got "${r}"`);
    return x;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }
}
