// The driver of a configured meter, opened as the gateway opens it (device/runtime/open-meter.ts): model,
// connection, unit and the board profile, so that prove and commission read a UART chip with the constants the
// gateway settles with, not the chip's default board.
import type { Clock } from '../../drivers/clock.js';
import { catalogEntry } from '../../drivers/catalog.js';
import type { MeterDriver } from '../../drivers/meter-driver.js';
import type { MeterConfig } from '../../device/config/gateway-config.js';

export function openConfiguredDriver(m: MeterConfig, clock: Clock): Promise<MeterDriver> {
  return catalogEntry(m.model).openDriver(m.connection, { unit: m.unit, clock, ...(m.board ? { board: m.board } : {}) });
}
