// Checks made once at start: the restart gap (power-outage) and changed key fields (key-field-change,
// proving-test-due). The clock check follows them (ClockMonitor).
import { keyFieldsOf, keyFieldChanges, type GatewayConfig } from '../config/gateway-config.js';
import type { GatewayStore } from '../store/gateway-store.js';
import type { AlarmManager } from '../alarms/alarm-manager.js';

export function startupChecks(store: GatewayStore, alarms: AlarmManager, cfg: GatewayConfig, now: number): void {
  const alive = store.getMeta<{ atMs: number; clean: boolean }>('alive');
  const threshold = cfg.persistIntervalMs + 2 * cfg.pollIntervalMs;
  if (alive && now - alive.atMs > threshold) {
    alarms.pulse(
      'power-outage',
      null,
      `gateway was not running from ${new Date(alive.atMs).toISOString()} to ${new Date(now).toISOString()} ` +
        `(${Math.round((now - alive.atMs) / 1000)} s; ${alive.clean ? 'clean shutdown' : 'no clean shutdown: power loss or crash'})`,
      alive.atMs,
      now,
      now,
    );
  }
  store.setMeta('alive', { atMs: now, clean: false });
  const fields = keyFieldsOf(cfg);
  const before = store.lastKeyFields();
  if (!before) {
    store.recordKeyFields(now, fields);
  } else {
    const changes = keyFieldChanges(before, fields);
    if (changes.length) {
      store.transaction(() => {
        store.recordKeyFields(now, fields);
        const text = changes.map(([f, a, b]) => `${f}: ${a ?? '(none)'} -> ${b ?? '(none)'}`).join('; ');
        alarms.pulse('key-field-change', null, text, now, now, now);
        alarms.raise('proving-test-due', null, `key fields changed (${text}): a proving test is due`, now);
      });
    }
  }
}
