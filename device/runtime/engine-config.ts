// The settlement engine's configuration for one meter and resolution, from the gateway configuration.
import type { MeterConfig, GatewayConfig } from '../config/gateway-config.js';
import { RESOLUTION_MS } from '../config/gateway-config.js';
import type { EngineConfig } from '../settlement/channel-engine.js';
import type { Resolution } from '../records/record-types.js';
import { DEFAULT_ENERGY_POWER_RULE, type EnergyPowerRule } from '../settlement/energy-power.js';

function energyPowerRule(cfg: GatewayConfig): EnergyPowerRule | null {
  const pct = cfg.energyPowerTolerancePct ?? DEFAULT_ENERGY_POWER_RULE.tolerancePct;
  return pct > 0 ? { ...DEFAULT_ENERGY_POWER_RULE, tolerancePct: pct } : null;
}

export function engineConfigFor(m: MeterConfig, cfg: GatewayConfig, resolution: Resolution): EngineConfig {
  return {
    resolution,
    compensation: m.compensation,
    limits: { nominalVoltageV: m.ratedVoltageV, maxCurrentA: m.maxCurrentA },
    tz: cfg.timeZone,
    closeAfterMs: cfg.closeAfterMs,
    maxGapMs: cfg.maxGapMs,
    energyPower: energyPowerRule(cfg),
  };
}

export function shortestPeriodMs(cfg: GatewayConfig): number {
  return Math.min(...cfg.resolutions.map((r) => RESOLUTION_MS[r]));
}
