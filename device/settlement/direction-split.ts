// Some metering chips count energy in both directions into one counter (|E|: BL0942 with CF_CNT_ADD_SEL = 1, its
// reset default). Import and export are then told apart only by the sign of the measured power. The split is exact
// in counts (import + export = the advance, so nothing is lost or invented); only the attribution is an estimate
// when the power changed sign between two reads, and such a split is reported as `mixed`.

/** Two virtual cumulative registers, in the absolute counter's counts (decimal strings: plain JSON). */
export interface SplitState {
  import: string;
  export: string;
  /** Power (W, + = import) at the previous read; null when not measured. */
  lastPowerW: number | null;
}

export interface SplitResult {
  state: SplitState;
  importAdvance: bigint;
  exportAdvance: bigint;
  /** True when the direction of this advance had to be estimated (sign change or no power measured). */
  mixed: boolean;
}

export const initialSplitState = (): SplitState => ({ import: '0', export: '0', lastPowerW: null });

/** Splits one advance of an absolute counter between the import and export registers by the sign of power at both ends. */
export function splitAdvance(prev: SplitState | null, advance: bigint, powerW: number | null): SplitResult {
  const s = prev ?? initialSplitState();
  if (advance < 0n) throw new RangeError(`absolute counter advance ${advance}; expected >= 0`);
  const ends = [s.lastPowerW, powerW].filter((p): p is number => p !== null && Number.isFinite(p));
  let importAdvance: bigint;
  let mixed = ends.length < 2;
  if (ends.length === 0) {
    importAdvance = advance;
  } else if (ends.every((p) => p >= 0)) {
    importAdvance = advance;
  } else if (ends.every((p) => p < 0)) {
    importAdvance = 0n;
  } else {
    // Power crossed zero between the reads: share the advance in proportion to |P| at each end (milliwatts).
    mixed = true;
    const plus = BigInt(Math.round(Math.abs(ends.find((p) => p >= 0)!) * 1000));
    const minus = BigInt(Math.round(Math.abs(ends.find((p) => p < 0)!) * 1000));
    importAdvance = plus + minus === 0n ? advance : (advance * plus) / (plus + minus);
  }
  const exportAdvance = advance - importAdvance;
  return {
    state: {
      import: (BigInt(s.import) + importAdvance).toString(),
      export: (BigInt(s.export) + exportAdvance).toString(),
      lastPowerW: powerW !== null && Number.isFinite(powerW) ? powerW : s.lastPowerW,
    },
    importAdvance,
    exportAdvance,
    mixed: mixed && advance > 0n,
  };
}
