// The collector's first connection: a bounded number of attempts (then the reason, for exit 3), and the
// subscriptions of a new session. A session the broker kept (sessionPresent) still holds them.
import type { MqttClient } from 'mqtt';

export function firstConnect(client: MqttClient, attempts: number, subscriptions: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = 0;
    let lastError = 'no CONNACK';
    const onErr = (err: Error): void => {
      lastError = err.message;
    };
    const onClose = (): void => {
      if (++failed < attempts) return;
      cleanup();
      client.end(true);
      reject(new Error(`${failed} connection attempts failed (last: ${lastError})`));
    };
    const cleanup = (): void => {
      client.off('error', onErr);
      client.off('close', onClose);
    };
    client.on('error', onErr);
    client.on('close', onClose);
    client.once('connect', (ack) => {
      cleanup();
      if (ack.sessionPresent) {
        resolve();
        return;
      }
      client.subscribe(subscriptions, { qos: 1 }, (err, granted) => {
        if (err) return reject(err);
        const bad = (granted ?? []).filter((g) => g.qos !== 1);
        if (bad.length) return reject(new Error(`broker refused subscription ${bad.map((b) => b.topic).join(', ')} (granted ${bad.map((b) => b.qos).join(', ')})`));
        resolve();
      });
    });
  });
}
