// Operational telemetry (QoS 0, not stored): values at poll rate with the Axle reading labels and sign
// convention (positive = import into the asset). Only values the meter actually measured are sent.
import type { MeterSample } from '../../drivers/meter-driver.js';

export type AssetRole = 'charger' | 'battery' | 'boundary' | 'solar' | 'other';

export interface TelemetryMessage {
  device: string;
  meter: string;
  role: AssetRole;
  /** When the meter was read (never the publish time: a value is as old as its read). */
  at: string;
  /** Axle labels -> value. */
  readings: Record<string, number>;
  /** Instantaneous values as measured. */
  instant: MeterSample['instant'];
}

const kw = (w: number): number => Math.round(w) / 1000;

/** Lifetime register in kWh as a number with Wh resolution (display/telemetry only; settlement uses integers). */
export function telemetryOf(device: string, meter: string, role: AssetRole, s: MeterSample, lifetimeImportWh: bigint | null): TelemetryMessage {
  const readings: Record<string, number> = {};
  const p = s.instant.powerW;
  if (role === 'charger') {
    if (p !== undefined) readings.charger_power_kw = kw(Math.max(0, p));
    if (lifetimeImportWh !== null) readings.charger_lifetime_consumption_energy_kwh = Number(lifetimeImportWh) / 1000;
  } else if (role === 'battery') {
    // Signed: + charging (into the battery), - discharging. SoC is not measured by a meter: never invented.
    if (p !== undefined) readings.battery_inverter_import_kw = kw(p);
  } else if (role === 'boundary') {
    // Signed: + import from the grid, - export to it.
    if (p !== undefined) readings.boundary_import_kw = kw(p);
  } else if (role === 'solar') {
    // Generation flows out of the asset (negative in our import-positive convention); Axle wants it >= 0.
    if (p !== undefined) readings.solar_power_kw = kw(Math.max(0, -p));
  } else if (p !== undefined) {
    readings.power_kw = kw(p);
  }
  return { device, meter, role, at: new Date(s.at).toISOString(), readings, instant: s.instant };
}

/** A closed PT30M charger interval as the Axle half-hourly consumption reading. */
export function chargerIntervalReading(energyKwh: string, periodStartIso: string): { label: string; value: number; start: string } {
  return { label: 'charger_consumption_energy_kwh', value: Number(energyKwh), start: periodStartIso };
}
