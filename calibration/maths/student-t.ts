// Student t coverage factor for a two-sided interval of 95.45 % (the coverage of +-2 sigma of a normal
// distribution), as GUM (JCGM 100) Table G.2 / NIST TN 1297 Table B.1 tabulate it (pure).
// P(|T| > t) = I_x(nu/2, 1/2) with x = nu / (nu + t^2), I the regularised incomplete beta function;
// t is found by bisection. Checked against the published table in test/calibration/coverage-factor.test.ts.

/** erf(sqrt 2) = P(|Z| <= 2): the "95.45 %" of the tables, exactly, so that t(infinity) = 2. */
export const P_TWO_SIGMA = 0.9544997361036416;

function logGamma(z: number): number {
  // Lanczos approximation (g = 7, 9 terms), good to ~1e-15 for z > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided tail P(|T| > t) of Student's t with nu degrees of freedom. */
export function studentTwoSidedTail(t: number, nu: number): number {
  return incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
}

/** t such that P(|T| <= t) = p for nu degrees of freedom (nu may be fractional); 2 for p = 95.45 % at infinity. */
export function studentTQuantile(nu: number, p = P_TWO_SIGMA): number {
  if (!(nu > 0)) throw new RangeError(`degrees of freedom must be positive; got ${nu}`);
  if (nu === Infinity || nu > 1e7) {
    if (p === P_TWO_SIGMA) return 2;
    throw new RangeError('only the 95.45 % quantile is defined at infinite degrees of freedom');
  }
  let lo = 0;
  let hi = 1e4;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedTail(mid, nu) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The coverage factor k for 95.45 % at nu degrees of freedom. */
export const studentT9545 = (nu: number): number => studentTQuantile(nu);
