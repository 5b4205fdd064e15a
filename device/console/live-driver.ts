// A MeterDriver over the gateway's own poll loop: sample() resolves with the next reading the gateway takes of
// that meter, identify() is read on the gateway's connection between two polls. The commissioning checks
// (host-cli/commissioning) run on it unchanged, without opening the bus a second time beside the gateway.
import { TimeoutError } from '../../drivers/errors.js';
import type { MeterDriver, MeterIdentity, MeterSample } from '../../drivers/meter-driver.js';
import type { LiveFeed } from './live-feed.js';

export function liveDriver(feed: LiveFeed, identify: () => Promise<MeterIdentity>, meter: string, model: string, timeoutMs: number): MeterDriver {
  return {
    modelId: model,
    sample(): Promise<MeterSample> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new TimeoutError('console-live', `no reading of meter ${meter} from the gateway within ${timeoutMs} ms`));
        }, timeoutMs);
        const stop = feed.listen((r, s) => {
          if (r.meter !== meter) return;
          clearTimeout(timer);
          stop();
          resolve(s);
        });
      });
    },
    identify,
    close: async () => {},
  };
}
