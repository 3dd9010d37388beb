/**
 * Two-sample Kolmogorov-Smirnov test with scipy 1.10's `ks_2samp(a, b,
 * alternative="two-sided", method="auto")` semantics.
 *
 * Statistic: D = max over the pooled values v of |F_a(v) - F_b(v)|, the empirical CDFs
 * counting samples <= v (ties handled by evaluating at every distinct value).
 *
 * P-value, chosen as scipy's "auto" does:
 *  - exact when max(n_a, n_b) <= 10000: with g = gcd(n_a, n_b) and L = n_a n_b / g,
 *    D is snapped to h / L, h = round(D L) (half to even), and the p-value is the share
 *    of monotone lattice paths from (0,0) to (n_a, n_b) that leave the band
 *    |i/n_a - j/n_b| < h/L. For n_a = n_b it is the reflection series
 *    2 sum_k (-1)^(k+1) C(2n, n-kh)/C(2n, n), evaluated as nested products; otherwise it is
 *    the path recursion q(i,j) = (i q(i-1,j) + j q(i,j-1)) / (i+j) with q = 1 outside the
 *    band (Hodges 1958; the form that computes the outside share directly is Viehmann
 *    2021, which keeps small p-values accurate). Should it fail numerically (never seen),
 *    the asymptotic p-value is used, as in scipy.
 *  - asymptotic otherwise: kstwo.sf(D, round(n_a n_b / (n_a + n_b))) (kolmogorov.ts).
 */
import { InputError } from "../util/errors";
import { kolmogorovSf } from "./kolmogorov";

/** scipy's switch: both samples at most this large -> exact p-value. */
export const KS_EXACT_MAX_N = 10000;

export interface KsResult {
  /** D, the largest distance between the two empirical CDFs. */
  statistic: number;
  pValue: number;
  method: "exact" | "asymp";
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** numpy's round(): halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** D of two ascending samples without NaN, computed as scipy does (count / n, then difference). */
export function ksStatisticSorted(a: ArrayLike<number>, na: number, b: ArrayLike<number>, nb: number): number {
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < na || j < nb) {
    const v = i < na && (j >= nb || a[i] <= b[j]) ? a[i] : b[j];
    while (i < na && a[i] <= v) i++;
    while (j < nb && b[j] <= v) j++;
    const diff = i / na - j / nb;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(1, Math.max(0, -minDiff));
  return minS > maxDiff ? minS : maxDiff;
}

/** P(D_{n,n} >= h/n) for equal sample sizes. */
function pOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/** Share of lattice paths (0,0) -> (m,n) that leave |i*ng - j*mg| < h. */
function pOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  // col[j] = q(i, j) for the current column i; entries above the band stay 1.
  const col = new Float64Array(n + 1).fill(1);
  let hi = Math.min(Math.ceil(h / mg), n + 1);
  col.fill(0, 0, hi);
  for (let i = 1; i <= m; i++) {
    const lo = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    hi = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (hi <= lo) return 1;
    let below = lo === 0 ? 0 : 1; // q(i, lo - 1): outside the band, or no cell
    for (let j = lo; j < hi; j++) {
      below = (col[j] * i + below * j) / (i + j);
      col[j] = below;
    }
  }
  return col[n];
}

/** The exact p-value, or undefined when the computation breaks down (scipy then goes asymptotic). */
function exactPValue(na: number, nb: number, d: number): { d: number; p: number } | undefined {
  const g = gcd(na, nb);
  const lcm = (na / g) * nb;
  const h = roundHalfEven(d * lcm);
  const snapped = h / lcm;
  if (h === 0) return { d: snapped, p: 1 };
  const p = na === nb ? pOutsideSquare(na, h) : pOutsideBand(na, nb, g, h);
  return p >= 0 && p <= 1 ? { d: snapped, p } : undefined;
}

/** The asymptotic p-value: kstwo.sf(d, round(en)). */
export function ksAsymptoticPValue(na: number, nb: number, d: number): number {
  const [m, n] = na >= nb ? [na, nb] : [nb, na];
  const en = (m * n) / (m + n);
  return kolmogorovSf(roundHalfEven(en), d);
}

/** The p-value of statistic `d` for samples of sizes na and nb, as ks_2samp(method="auto"). */
export function ksPValue(na: number, nb: number, d: number): KsResult {
  if (Math.max(na, nb) <= KS_EXACT_MAX_N) {
    const exact = exactPValue(na, nb, d);
    if (exact !== undefined) return { statistic: exact.d, pValue: exact.p, method: "exact" };
  }
  return { statistic: d, pValue: Math.min(1, Math.max(0, ksAsymptoticPValue(na, nb, d))), method: "asymp" };
}

/** ks_2samp on two ascending samples without NaN. */
export function ksTwoSampleSorted(a: ArrayLike<number>, na: number, b: ArrayLike<number>, nb: number): KsResult {
  if (na === 0 || nb === 0) throw new InputError("ks_2samp needs two non-empty samples");
  return ksPValue(na, nb, ksStatisticSorted(a, na, b, nb));
}

/** ks_2samp(a, b) (two-sided, method "auto"). Samples must be non-empty and free of NaN. */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  if (Number.isNaN(sa[sa.length - 1]) || Number.isNaN(sb[sb.length - 1])) throw new InputError("ks_2samp: samples must not hold NaN");
  return ksTwoSampleSorted(sa, sa.length, sb, sb.length);
}
