// Overall error of a CT/VT-connected installation at a test point (pure), standards.md section 8.1:
//   P_meas / P_true = (1 + e_I)(1 + e_U) cos(phi - d_I + d_U) / cos(phi)
// e_I, e_U ratio errors (fractions), d_I, d_U phase displacements (secondary leads primary = positive),
// phi = angle by which primary current lags primary voltage. The meter's own error multiplies in:
//   overall = (1 + e_meter) x P_meas / P_true - 1.
// Signed errors combine algebraically (CP1553 practice); the sign convention is IEC 61869's ([U] for CoP11).

export interface TransformerError {
  ratioErrorPct: number;
  /** Phase displacement in minutes of arc (positive = secondary leads primary). */
  phaseMinutes: number;
}

const minToRad = (m: number): number => (m / 60) * (Math.PI / 180);

export function transformerErrorPct(phiDeg: number, ct: TransformerError, vt: TransformerError): number {
  const phi = (phiDeg * Math.PI) / 180;
  const ratio = (1 + ct.ratioErrorPct / 100) * (1 + vt.ratioErrorPct / 100);
  const phase = Math.cos(phi - minToRad(ct.phaseMinutes) + minToRad(vt.phaseMinutes)) / Math.cos(phi);
  return (ratio * phase - 1) * 100;
}

/** First-order approximation, for reasoning and cross-checks only: e_I + e_U + (d_I - d_U) tan(phi). */
export function transformerErrorApproxPct(phiDeg: number, ct: TransformerError, vt: TransformerError): number {
  const phi = (phiDeg * Math.PI) / 180;
  return ct.ratioErrorPct + vt.ratioErrorPct + (minToRad(ct.phaseMinutes - vt.phaseMinutes) * Math.tan(phi)) * 100;
}

export function overallErrorPct(meterErrorPct: number, phiDeg: number, ct: TransformerError, vt: TransformerError): number {
  return ((1 + meterErrorPct / 100) * (1 + transformerErrorPct(phiDeg, ct, vt) / 100) - 1) * 100;
}

/** Linear interpolation of a certificate's errors at a current given as percent of rated current. */
export function interpolateCertificate(
  points: readonly { percentRated: number; ratioErrorPct: number; phaseMinutes: number }[],
  percentRated: number,
): TransformerError {
  if (points.length === 0) return { ratioErrorPct: 0, phaseMinutes: 0 };
  const s = [...points].sort((a, b) => a.percentRated - b.percentRated);
  if (percentRated <= s[0]!.percentRated) return s[0]!;
  if (percentRated >= s[s.length - 1]!.percentRated) return s[s.length - 1]!;
  for (let i = 1; i < s.length; i++) {
    const a = s[i - 1]!;
    const b = s[i]!;
    if (percentRated <= b.percentRated) {
      const t = (percentRated - a.percentRated) / (b.percentRated - a.percentRated);
      return {
        ratioErrorPct: a.ratioErrorPct + t * (b.ratioErrorPct - a.ratioErrorPct),
        phaseMinutes: a.phaseMinutes + t * (b.phaseMinutes - a.phaseMinutes),
      };
    }
  }
  return s[s.length - 1]!;
}
