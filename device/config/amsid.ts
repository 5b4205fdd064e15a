// AMSIDs take the place of the MPAN core in settlement flows (seeds/003: "Where a data flow includes the
// J0003 ('MPAN Core') data item it must be the AMSID"), so they are checked as MPAN cores: 13 digits, the
// last a check digit. STATUS [U]: the check-digit weights below are the MPAN core rule as commonly
// implemented (primes 3..43, sum mod 11 mod 10), not read in an Elexon source; correct them here if wrong.
const WEIGHTS = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43] as const;

/** The check digit for the first 12 digits of an MPAN core / AMSID. */
export function amsidCheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * WEIGHTS[i]!;
  return (sum % 11) % 10;
}

/** Null when valid, else what is wrong (for a config message). */
export function amsidProblem(amsid: string): string | null {
  if (!/^\d{13}$/.test(amsid)) return `"${amsid}" is not 13 digits`;
  const want = amsidCheckDigit(amsid.slice(0, 12));
  if (Number(amsid[12]) !== want) return `"${amsid}" has check digit ${amsid[12]}, but its first 12 digits give ${want}`;
  return null;
}

/** Completes 12 digits with their check digit (for examples and tests). */
export function withCheckDigit(first12: string): string {
  return `${first12}${amsidCheckDigit(first12)}`;
}
