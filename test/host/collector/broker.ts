// In-process aedes broker on 127.0.0.1 (MQTT 3.1.1) for the collector tests.
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/** port 0: a free one; a fixed port lets a test restart the broker where clients reconnect. */
export async function startBroker(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const bound = (server.address() as { port: number }).port;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => broker.close(() => resolve()));
      }),
  };
}
