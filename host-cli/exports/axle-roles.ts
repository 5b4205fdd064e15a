// Which Axle labels (seeds/000, standards.md §7.1) a meter's energy becomes, by the meter's role. The role comes from
// configuration (the gateway configuration's meters[].role, or the asset map), never from a fixed label.
import { ExportRefused } from './refusal.js';

export type AxleRole = 'charger' | 'battery' | 'boundary' | 'solar';
export const AXLE_ROLE_NAMES: readonly AxleRole[] = ['charger', 'battery', 'boundary', 'solar'];

export interface AxleRoleLabels {
  /**
   * The per-interval reading. `energy`: kWh in the interval, >= 0, from one channel. `power`: average kW over the
   * interval (energy / duration, exact: Wh x 2 = W for a half hour), signed import - export or from one channel.
   * Average power for a start..end interval is [D]: Axle documents kW labels as instantaneous.
   */
  interval: { label: string; kind: 'energy' | 'power'; source: 'import' | 'export' | 'net' };
  /** Lifetime register labels per channel (cumulative kWh, >= 0, non-decreasing). */
  lifetime: Partial<Record<'import' | 'export', string>>;
  /** The channel this role has no label for (refused unless --skip-unlabelled). */
  unlabelled: 'import' | 'export' | null;
}

export const AXLE_ROLES: Record<AxleRole, AxleRoleLabels> = {
  charger: {
    interval: { label: 'charger_consumption_energy_kwh', kind: 'energy', source: 'import' },
    lifetime: { import: 'charger_lifetime_consumption_energy_kwh' },
    unlabelled: 'export',
  },
  battery: { interval: { label: 'battery_inverter_import_kw', kind: 'power', source: 'net' }, lifetime: {}, unlabelled: null },
  boundary: {
    interval: { label: 'boundary_import_kw', kind: 'power', source: 'net' },
    lifetime: { import: 'boundary_lifetime_import_energy_kwh', export: 'boundary_lifetime_export_energy_kwh' },
    unlabelled: null,
  },
  // Generation leaves the asset: our export channel.
  solar: { interval: { label: 'solar_power_kw', kind: 'power', source: 'export' }, lifetime: {}, unlabelled: 'import' },
};

/** Gateway configuration roles and what they are for Axle ('other' has no Axle label). */
export function axleRoleOf(configRole: string, where: string): AxleRole {
  if ((AXLE_ROLE_NAMES as readonly string[]).includes(configRole)) return configRole as AxleRole;
  throw new ExportRefused('axle', `${where}: role "${configRole}" has no Axle label; expected one of ${AXLE_ROLE_NAMES.join(', ')} (set meters[].role in the gateway configuration, or "role" in the asset map)`);
}
