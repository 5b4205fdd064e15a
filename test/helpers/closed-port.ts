// A loopback port nobody listens on, that a test may leave free for a while and then listen on itself (a broker
// that goes down and comes back). A port-0 port comes from the ephemeral range, where any process's outgoing
// connection or port-0 listener may take it while it is free (EADDRINUSE on the restart, or a connection to a
// stranger); this one comes from below that range (Linux default 32768-60999), where only explicit binds go.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

const bindable = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

export async function closedPort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.max(10_000, high - 20_000);
  for (let i = 0; i < 100; i++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await bindable(port)) return port;
  }
  throw new Error(`no bindable loopback port in ${low}..${high}`);
}
