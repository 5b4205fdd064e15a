// What the console's pages read: the running gateway (its store, alarms and status), its configuration, the
// live feed, and the clocks. The console never writes to the store.
import type { Clock } from '../../drivers/clock.js';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { Gateway } from '../runtime/gateway.js';
import type { DeviceKey } from '../signing/device-key.js';
import type { LiveFeed } from './live-feed.js';
import type { PasswordHash } from './password.js';

export interface ConsoleContext {
  cfg: GatewayConfig;
  gateway: Gateway;
  /** The gateway's clock (possibly scaled in a demo): timestamps of readings and records. */
  clock: Clock;
  feed: LiveFeed;
  /** The broker the gateway uses (the embedded broker's real URL in a demo); null: no MQTT. */
  brokerUrl: string | null;
  /** The device key: the public half is shown; commissioning records are signed with it. */
  key: DeviceKey;
  /** Null: no password set, which only a loopback console allows; pages then need no login. */
  password: PasswordHash | null;
  /** Real time for sessions and the login limit. */
  realNow?: () => number;
}
