// BSC CoP11 Asset Metering Type 5 accuracy requirements, as DATA in one place.
// Source: Elexon BSC guidance note "Asset Metering" v2.0 (reference seeds/003), Table 4 (a.c. Asset Meters,
// Category 3) and Table 5 (d.c. Asset Meters, Category 3). The guidance note quotes CoP11's tables; the CoP11
// document body itself was not available, so each row carries a status tag (see standards.md, review note):
//   'V-guidance' = read in the Elexon guidance note (seeds/003); not yet checked against CoP11 Issue 1.0 v3.0.
// Correct a value here and every plan, validation and verdict follows.

export type Supply = 'ac' | 'dc';
export type PfKind = 'unity' | 'lag' | 'lead' | 'dc';

/** A current expressed against the device's operating range: In, or a fraction of Imax. */
export type CurrentBound = { of: 'In' } | { of: 'Imax'; fraction: number };

export interface LimitRow {
  id: string;
  supply: Supply;
  /** Lower and upper current bounds and whether each bound is included. */
  currentFrom: CurrentBound;
  currentFromInclusive: boolean;
  currentTo: CurrentBound;
  currentToInclusive: boolean;
  /** Power factors the row applies to (magnitude and kind); d.c. rows use { pf: 1, kind: 'dc' }. */
  powerFactors: { pf: number; kind: PfKind }[];
  /** Limit of error, +- percent. */
  limitPct: number;
  text: string;
  status: 'V-guidance' | 'U';
}

export interface InfluenceRange {
  /** Voltage as a fraction of Un, inclusive. */
  voltageFraction: [number, number];
  /** Frequency range in Hz, inclusive (a.c. only). */
  frequencyHz: [number, number] | null;
  status: 'V-guidance' | 'U';
}

export interface LimitTable {
  id: string;
  title: string;
  source: string;
  supply: Supply;
  influence: InfluenceRange;
  rows: LimitRow[];
}

const SOURCE = 'Elexon BSC guidance note "Asset Metering" v2.0 (CoP11), reference seeds/003_1f3c199a8ed6e771.txt';

export const COP11_TYPE5_AC: LimitTable = {
  id: 'cop11-type5-table4-ac',
  title: 'CoP11 Asset Metering Type 5, Table 4: required accuracy for a.c. Asset Meters (Category 3)',
  source: SOURCE,
  supply: 'ac',
  influence: { voltageFraction: [0.9, 1.1], frequencyHz: [49.0, 51.0], status: 'V-guidance' },
  rows: [
    {
      id: 'T4-R1',
      supply: 'ac',
      currentFrom: { of: 'Imax', fraction: 0.5 },
      currentFromInclusive: true,
      currentTo: { of: 'Imax', fraction: 1 },
      currentToInclusive: true,
      powerFactors: [{ pf: 1, kind: 'unity' }],
      limitPct: 2.0,
      text: '50 % Imax to Imax inclusive, PF 1: +-2.0 %',
      status: 'V-guidance',
    },
    {
      id: 'T4-R2',
      supply: 'ac',
      currentFrom: { of: 'In' },
      currentFromInclusive: true,
      currentTo: { of: 'Imax', fraction: 0.5 },
      currentToInclusive: false,
      powerFactors: [{ pf: 1, kind: 'unity' }],
      limitPct: 2.5,
      text: 'In to 50 % Imax, PF 1: +-2.5 %',
      status: 'V-guidance',
    },
    {
      id: 'T4-R3',
      supply: 'ac',
      currentFrom: { of: 'In' },
      currentFromInclusive: true,
      currentTo: { of: 'Imax', fraction: 1 },
      currentToInclusive: true,
      powerFactors: [
        { pf: 0.5, kind: 'lag' },
        { pf: 0.8, kind: 'lead' },
      ],
      limitPct: 2.5,
      text: 'In to Imax inclusive, PF 0.5 lag and 0.8 lead: +-2.5 %',
      status: 'V-guidance',
    },
  ],
};

export const COP11_TYPE5_DC: LimitTable = {
  id: 'cop11-type5-table5-dc',
  title: 'CoP11 Asset Metering Type 5, Table 5: required accuracy for d.c. Asset Meters (Category 3)',
  source: SOURCE,
  supply: 'dc',
  influence: { voltageFraction: [0.9, 1.1], frequencyHz: null, status: 'V-guidance' },
  rows: [
    {
      id: 'T5-R1',
      supply: 'dc',
      currentFrom: { of: 'Imax', fraction: 0.5 },
      currentFromInclusive: true,
      currentTo: { of: 'Imax', fraction: 1 },
      currentToInclusive: true,
      powerFactors: [{ pf: 1, kind: 'dc' }],
      limitPct: 2.0,
      text: '50 % Imax to Imax inclusive: +-2.0 %',
      status: 'V-guidance',
    },
    {
      id: 'T5-R2',
      supply: 'dc',
      currentFrom: { of: 'In' },
      currentFromInclusive: true,
      currentTo: { of: 'Imax', fraction: 0.5 },
      currentToInclusive: false,
      powerFactors: [{ pf: 1, kind: 'dc' }],
      limitPct: 2.5,
      text: 'In to 50 % Imax: +-2.5 %',
      status: 'V-guidance',
    },
  ],
};

export function limitTableFor(supply: Supply): LimitTable {
  return supply === 'ac' ? COP11_TYPE5_AC : COP11_TYPE5_DC;
}
