// Local stand-ins for the market APIs (node:http on 127.0.0.1, port 0) that answer as seeds/000-002 describe, with
// a script of failures to play first: 'drop' closes the socket without an answer, a number answers that status.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface Seen {
  method: string;
  url: string;
  auth: string;
  docId: string | null;
  body: string;
}

export interface MarketServer {
  url: string;
  seen: Seen[];
  /** Failures to play, in order, before normal answers. */
  script: (number | 'drop')[];
  close(): Promise<void>;
}

export type Handler = (req: Seen, res: ServerResponse) => void;

export async function marketServer(handler: Handler): Promise<MarketServer> {
  const seen: Seen[] = [];
  const script: (number | 'drop')[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', auth: String(req.headers.authorization), docId: (req.headers['x-document-identification'] as string) ?? null, body };
      seen.push(s);
      const next = script.shift();
      if (next === 'drop') {
        req.socket.destroy();
        return;
      }
      if (typeof next === 'number') {
        res.writeHead(next, next === 503 ? { 'retry-after': '1' } : {}).end('try later');
        return;
      }
      if (s.auth !== 'Bearer tok') {
        res.writeHead(401).end('{"detail":"bad token"}');
        return;
      }
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`, seen, script,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Axle POST /data/readings: per-reading verdicts; a reading with a negative value on a >= 0 label is refused. */
export const axleHandler: Handler = (s, res) => {
  if (s.url !== '/data/readings') return void res.writeHead(404).end();
  const { readings } = JSON.parse(s.body) as { readings: { asset_id: string; start_timestamp: string; end_timestamp: string; label: string; value: number }[] };
  const responses = readings.map((r) => {
    const signed = r.label === 'boundary_import_kw' || r.label === 'battery_inverter_import_kw';
    const ok = signed || r.value >= 0;
    return { asset_id: r.asset_id, start_timestamp: r.start_timestamp, end_timestamp: r.end_timestamp, label: r.label, accepted: ok, ...(ok ? {} : { error: 'value must be >= 0' }) };
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ responses }));
};

/** Volue POST /reports: 200 for a known event whose payloads are EnergyUsage at 01:00:00; 400 otherwise. */
export function volueHandler(knownEvents: Set<string>): Handler {
  return (s, res) => {
    if (s.url !== '/reports') return void res.writeHead(404).end();
    const r = JSON.parse(s.body) as { eventId: string; payloads: { payloadType: string; resolution: string }[] };
    if (!knownEvents.has(r.eventId)) return void res.writeHead(400).end(`{"error":"unknown eventId ${r.eventId}"}`);
    if (!r.payloads.every((p) => p.payloadType === 'EnergyUsage' && p.resolution === '01:00:00')) return void res.writeHead(400).end('{"error":"bad payload"}');
    res.writeHead(200).end();
  };
}

/** A loopback URL nothing listens on (a port just released by the OS). */
export async function deadUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
