// What the gateway tells its host (the run command, the console) as it works.
import type { MeterSample } from '../../drivers/meter-driver.js';
import type { IntervalRecord } from '../records/record-types.js';
import type { AlarmEvent } from '../alarms/alarm-manager.js';

export type GatewayEvent =
  | { type: 'reading'; meter: string; sample: MeterSample; registersKwh: Record<string, string> }
  | { type: 'meter-error'; meter: string; error: string }
  | { type: 'interval'; record: IntervalRecord }
  | { type: 'alarm'; alarm: AlarmEvent }
  | { type: 'mqtt'; state: 'connected' | 'disconnected' | 'error'; detail?: string }
  | { type: 'info'; message: string };

export type Emit = (e: GatewayEvent) => void;
