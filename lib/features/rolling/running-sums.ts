/**
 * Rolling mean, standard deviation, skewness and excess kurtosis with pandas 1.5
 * semantics (`roll_mean`, `roll_var` + `zsqrt`, `roll_skew`, `roll_kurt`, ddof 1,
 * min_periods = window). pandas keeps running sums over every position of the run,
 * adding each sample once and removing it once, with separate compensation terms for
 * adds and removes:
 *
 *  - mean: a Kahan sum. Result sum/count, except that a window of identical samples
 *    returns that value exactly, and a window of only non-negative (only negative)
 *    samples never returns a negative (positive) mean.
 *  - variance: Welford's update with a Kahan-compensated mean. A window of identical
 *    samples gives 0; a slightly negative result of rounding gives std 0.
 *  - skew and kurt: Kahan sums of x, x², x³, x⁴ after subtracting `shift` (see
 *    `momentShifts`), then the bias-corrected estimators
 *      skew = sqrt(n(n-1)) C / ((n-2) B^1.5),  kurt = ((n²-1) D / B² - 3(n-1)²) / ((n-2)(n-3))
 *    from the central moments B, C, D the raw sums give. In pandas' order: fewer than 3
 *    (4) samples → undefined; identical samples → 0 (-3); B <= 1e-14 (absolute) →
 *    undefined. Undefined becomes 0 for skew and -3 for kurt, as the reference fills it.
 *
 * Any NaN in the window gives NaN for mean and std, and 0 / -3 for skew / kurt.
 *
 * The running sums are why a result depends slightly on the samples before its window
 * (rounding carried along), and why badly conditioned windows drift far from the true
 * value (README.md). Repeating pandas' operations in pandas' order is what makes the
 * results equal pandas' bit for bit, so every position is visited; only kept windows
 * are written. The four sums live in one loop on purpose: each is a chain of dependent
 * floating-point operations, and interleaving them lets the processor overlap the chains.
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
 * What pandas subtracts from the first `n` samples before the skew and kurt sums: the
 * rounded mean when the minimum lies less than SKEW_SHIFT_LIMIT (KURT_SHIFT_LIMIT)
 * below the mean, else 0. The two limits differ in pandas, so skew and kurt can see
 * different shifts.
 */
export function momentShifts(x: Float64Array, n: number): { skew: number; kurt: number } {
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
  if (count === 0) return { skew: 0, kurt: 0 };
  const mean = sum / count;
  const rounded = roundHalfAway(mean);
  return { skew: min - mean > -SKEW_SHIFT_LIMIT ? rounded : 0, kurt: min - mean > -KURT_SHIFT_LIMIT ? rounded : 0 };
}

/** Where to write; -1 skips a statistic (its running sums still run when another needs them). */
export interface MomentOutputs {
  mean: number;
  std: number;
  skew: number;
  kurt: number;
}

/**
 * Writes the requested statistics of every window of `grid` over `x` (inf already NaN)
 * to `out[offsets.<stat> + k]`; skew and kurt use `x - shift`.
 */
export function rollingMoments(x: Float64Array, grid: WindowGrid, shift: number, out: Float64Array, offsets: MomentOutputs): void {
  const { window: w, stride, count } = grid;
  if (count === 0) return;
  const last = lastEnd(grid);
  const { mean: meanAt, std: stdAt, skew: skewAt, kurt: kurtAt } = offsets;
  // Mean: Kahan sum.
  let mSum = 0;
  let mAdd = 0;
  let mRemove = 0;
  let negatives = 0;
  // Variance: Welford with a Kahan-compensated mean.
  let vMean = 0;
  let ssqdm = 0;
  let vAdd = 0;
  let vRemove = 0;
  // Moments of x - shift: Kahan sums of the four powers.
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
  // Samples in the window, and how many of the last added were equal (raw and shifted).
  let nobs = 0;
  let same = 0;
  let prev = x[0];
  let sameShifted = 0;
  let prevShifted = NaN;
  let k = 0;
  let nextEnd = w - 1;
  for (let i = 0; i <= last; i++) {
    if (i >= w) {
      const v = x[i - w];
      if (v === v) {
        nobs--;
        let y = -v - mRemove;
        let t = mSum + y;
        mRemove = t - mSum - y;
        mSum = t;
        if (v < 0 || (v === 0 && 1 / v < 0)) negatives--;
        if (nobs !== 0) {
          const prevMean = vMean - vRemove;
          y = v - vRemove;
          t = y - vMean;
          vRemove = t + vMean - y;
          vMean = vMean - t / nobs;
          ssqdm = ssqdm - (v - prevMean) * (v - vMean);
        } else {
          vMean = 0;
          ssqdm = 0;
        }
        const u = v - shift;
        y = -u - c1r;
        t = s1 + y;
        c1r = t - s1 - y;
        s1 = t;
        const u2 = u * u;
        y = -u2 - c2r;
        t = s2 + y;
        c2r = t - s2 - y;
        s2 = t;
        const u3 = u2 * u;
        y = -u3 - c3r;
        t = s3 + y;
        c3r = t - s3 - y;
        s3 = t;
        y = -(u3 * u) - c4r;
        t = s4 + y;
        c4r = t - s4 - y;
        s4 = t;
      }
    }
    const v = x[i];
    if (v === v) {
      nobs++;
      let y = v - mAdd;
      let t = mSum + y;
      mAdd = t - mSum - y;
      mSum = t;
      if (v < 0 || (v === 0 && 1 / v < 0)) negatives++;
      if (v === prev) same++;
      else same = 1;
      prev = v;
      const prevMean = vMean - vAdd;
      y = v - vAdd;
      t = y - vMean;
      vAdd = t + vMean - y;
      vMean = vMean + t / nobs;
      ssqdm = ssqdm + (v - prevMean) * (v - vMean);
      const u = v - shift;
      y = u - c1a;
      t = s1 + y;
      c1a = t - s1 - y;
      s1 = t;
      const u2 = u * u;
      y = u2 - c2a;
      t = s2 + y;
      c2a = t - s2 - y;
      s2 = t;
      const u3 = u2 * u;
      y = u3 - c3a;
      t = s3 + y;
      c3a = t - s3 - y;
      s3 = t;
      y = u3 * u - c4a;
      t = s4 + y;
      c4a = t - s4 - y;
      s4 = t;
      if (u === prevShifted) sameShifted++;
      else sameShifted = 1;
      prevShifted = u;
    }
    if (i === nextEnd) {
      const full = nobs >= w;
      if (meanAt >= 0) {
        let mean = NaN;
        if (full && nobs > 0) {
          mean = mSum / nobs;
          if (same >= nobs) mean = prev;
          else if (negatives === 0 && mean < 0) mean = 0;
          else if (negatives === nobs && mean > 0) mean = 0;
        }
        out[meanAt + k] = mean;
      }
      if (stdAt >= 0) {
        // ddof 1: one sample has no variance (NaN), as in pandas.
        let std = NaN;
        if (full && nobs > 1) {
          const variance = same >= nobs ? 0 : ssqdm / (nobs - 1);
          std = variance < 0 ? 0 : Math.sqrt(variance);
        }
        out[stdAt + k] = std;
      }
      if (skewAt >= 0) out[skewAt + k] = full ? skewOf(nobs, s1, s2, s3, sameShifted) : 0;
      if (kurtAt >= 0) out[kurtAt + k] = full ? kurtOf(nobs, s1, s2, s3, s4, sameShifted) : -3;
      k++;
      nextEnd += stride;
    }
  }
}

/** pandas' calc_skew, with undefined mapped to 0. */
function skewOf(nobs: number, s1: number, s2: number, s3: number, same: number): number {
  if (nobs < 3 || same >= nobs) return 0;
  const A = s1 / nobs;
  const B = s2 / nobs - A * A;
  const C = s3 / nobs - A * A * A - 3 * A * B;
  if (B <= MOMENT_VARIANCE_FLOOR) return 0;
  const R = Math.sqrt(B);
  return (Math.sqrt(nobs * (nobs - 1)) * C) / ((nobs - 2) * R * R * R);
}

/** pandas' calc_kurt, with undefined mapped to -3. */
function kurtOf(nobs: number, s1: number, s2: number, s3: number, s4: number, same: number): number {
  if (nobs < 4 || same >= nobs) return -3;
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
