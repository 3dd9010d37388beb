/**
 * Rolling skewness and excess kurtosis with pandas 1.5 semantics (`roll_skew`,
 * `roll_kurt`): running Kahan sums of x, x², x³ (and x⁴) over every position, adds and
 * removes with separate compensation, then the bias-corrected estimators
 *
 *   skew = sqrt(n(n-1)) C / ((n-2) B^1.5)
 *   kurt = ((n²-1) D / B² - 3(n-1)²) / ((n-2)(n-3))
 *
 * from the central moments B, C, D that the raw sums give. Before summing, pandas
 * subtracts the rounded mean of the whole column, but only when the column's minimum
 * is within 1e5 (skew) or 1e4 (kurt) below that mean; the two limits differ in pandas,
 * so skew and kurt can see different shifts. Special cases, in pandas' order: fewer
 * than 3 (4) samples → undefined; all samples equal → 0 (-3); B <= 1e-14 (an absolute
 * threshold on the biased variance) → undefined. Undefined gives 0 for skew and -3 for
 * kurt, as the reference fills them (DESIGN.md); so does a window holding NaN.
 *
 * The raw-sum form loses digits when a window's mean is far from the column's shift
 * compared with its spread (a level such as MemFree drifting by 1e7 while varying by
 * 1e3 inside a window). Those digits are lost in pandas too; the same operations in the
 * same order give pandas' value, which is what the features match (see README.md).
 */
import { type WindowGrid, lastEnd } from "./grid";

export const SKEW_SHIFT_LIMIT = 1e5;
export const KURT_SHIFT_LIMIT = 1e4;
/** Below this biased variance pandas calls skew and kurt undefined. */
export const MOMENT_VARIANCE_FLOOR = 1e-14;

/** C's round(): halves away from zero. */
function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/**
 * What pandas subtracts from the first `n` samples before the moment sums: the rounded
 * mean when the minimum lies less than `limit` below the mean, else 0.
 */
export function momentShift(x: Float64Array, n: number, limit: number): number {
  let sum = 0;
  let count = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v === v) {
      count++;
      sum += v;
      if (v < min) min = v;
    }
  }
  if (count === 0) return 0;
  const mean = sum / count;
  return min - mean > -limit ? roundHalfAway(mean) : 0;
}

/**
 * Writes skew and/or kurt of every window of `grid` over `x - shift` to
 * `skewOut[offset + k]` / `kurtOut[offset + k]` (either may be null).
 */
export function rollingSkewKurt(x: Float64Array, grid: WindowGrid, shift: number, skewOut: Float64Array | null, kurtOut: Float64Array | null, offset: number): void {
  const { window: w, stride, count } = grid;
  if (count === 0) return;
  const last = lastEnd(grid);
  let nobs = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let c1a = 0;
  let c2a = 0;
  let c3a = 0;
  let c4a = 0;
  let c1r = 0;
  let c2r = 0;
  let c3r = 0;
  let c4r = 0;
  let same = 0;
  let prev = NaN;
  let k = 0;
  let nextEnd = w - 1;
  for (let i = 0; i <= last; i++) {
    if (i >= w) {
      const v = x[i - w] - shift;
      if (v === v) {
        nobs--;
        let y = -v - c1r;
        let t = s1 + y;
        c1r = t - s1 - y;
        s1 = t;
        const v2 = v * v;
        y = -v2 - c2r;
        t = s2 + y;
        c2r = t - s2 - y;
        s2 = t;
        const v3 = v2 * v;
        y = -v3 - c3r;
        t = s3 + y;
        c3r = t - s3 - y;
        s3 = t;
        y = -(v3 * v) - c4r;
        t = s4 + y;
        c4r = t - s4 - y;
        s4 = t;
      }
    }
    const v = x[i] - shift;
    if (v === v) {
      nobs++;
      let y = v - c1a;
      let t = s1 + y;
      c1a = t - s1 - y;
      s1 = t;
      const v2 = v * v;
      y = v2 - c2a;
      t = s2 + y;
      c2a = t - s2 - y;
      s2 = t;
      const v3 = v2 * v;
      y = v3 - c3a;
      t = s3 + y;
      c3a = t - s3 - y;
      s3 = t;
      y = v3 * v - c4a;
      t = s4 + y;
      c4a = t - s4 - y;
      s4 = t;
      if (v === prev) same++;
      else same = 1;
      prev = v;
    }
    if (i === nextEnd) {
      if (skewOut !== null) skewOut[offset + k] = skewOf(nobs, w, s1, s2, s3, same);
      if (kurtOut !== null) kurtOut[offset + k] = kurtOf(nobs, w, s1, s2, s3, s4, same);
      k++;
      nextEnd += stride;
    }
  }
}

/** pandas' calc_skew, with undefined mapped to 0. */
function skewOf(nobs: number, w: number, s1: number, s2: number, s3: number, same: number): number {
  if (nobs < w || nobs < 3) return 0;
  if (same >= nobs) return 0;
  const A = s1 / nobs;
  const B = s2 / nobs - A * A;
  const C = s3 / nobs - A * A * A - 3 * A * B;
  if (B <= MOMENT_VARIANCE_FLOOR) return 0;
  const R = Math.sqrt(B);
  return (Math.sqrt(nobs * (nobs - 1)) * C) / ((nobs - 2) * R * R * R);
}

/** pandas' calc_kurt, with undefined mapped to -3. */
function kurtOf(nobs: number, w: number, s1: number, s2: number, s3: number, s4: number, same: number): number {
  if (nobs < w || nobs < 4) return -3;
  if (same >= nobs) return -3;
  const A = s1 / nobs;
  let R = A * A;
  const B = s2 / nobs - R;
  R = R * A;
  const C = s3 / nobs - R - 3 * A * B;
  R = R * A;
  const D = s4 / nobs - R - 6 * B * A * A - 4 * C * A;
  if (B <= MOMENT_VARIANCE_FLOOR) return -3;
  const K = ((nobs * nobs - 1) * D) / (B * B) - 3 * ((nobs - 1) * (nobs - 1));
  return K / ((nobs - 2) * (nobs - 3));
}
