// Drives bench/reference/pymodbus_meter.py (an independent Modbus TCP meter on python3-pymodbus) from TypeScript:
// start it for a model, set its load, let simulated time pass, ask for its exact energy.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3'; // Debian's python3 has python3-pymodbus; another python3 may come first on PATH
const SCRIPT = fileURLToPath(new URL('./pymodbus_meter.py', import.meta.url));

export interface ReferenceMeter {
  /** "127.0.0.1:port" */
  readonly address: string;
  /** Every phase at V, A and power factor; resolves with the total power the reference now shows (W). */
  point(voltageV: number, currentA: number, pf: number): Promise<number>;
  advance(ms: number): Promise<void>;
  /** The reference's exact energy so far, Wh, as [numerator, denominator] pairs. */
  energy(): Promise<{ importWh: [bigint, bigint]; exportWh: [bigint, bigint] }>;
  close(): Promise<void>;
}

const frac = (t: string): [bigint, bigint] => {
  const [n, d] = t.split('/');
  return [BigInt(n!), BigInt(d ?? '1')];
};

export async function startReferenceMeter(model: string): Promise<ReferenceMeter> {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT, model], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let buf = '';
  const waiting: ((line: string) => void)[] = [];
  const lines: string[] = [];
  child.stdout.on('data', (c) => {
    buf += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const queued = lines.shift();
      if (queued !== undefined) return resolve(queued);
      const t = setTimeout(() => reject(new Error(`pymodbus reference meter (${model}) did not answer within 10 s; stderr: ${stderr}`)), 10_000);
      waiting.push((l) => (clearTimeout(t), resolve(l)));
    });
  const ask = async (cmd: string): Promise<string[]> => {
    child.stdin.write(`${cmd}\n`);
    const reply = (await nextLine()).split(' ');
    if (reply[0] !== 'OK') throw new Error(`reference meter: "${cmd}" answered ${reply.join(' ')}`);
    return reply.slice(1);
  };
  const ready = await nextLine();
  const m = /^READY (\d+)$/.exec(ready);
  if (!m) {
    child.kill();
    throw new Error(`pymodbus reference meter (${model}) did not start: ${ready} ${stderr} (needs python3-pymodbus and python3-serial-asyncio for ${PYTHON})`);
  }
  return {
    address: `127.0.0.1:${m[1]}`,
    point: async (v, a, pf) => Number((await ask(`point ${v} ${a} ${pf}`))[0]),
    advance: async (ms) => void (await ask(`advance ${Math.round(ms)}`)),
    energy: async () => {
      const [i, e] = await ask('energy');
      return { importWh: frac(i!), exportWh: frac(e!) };
    },
    async close() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}
