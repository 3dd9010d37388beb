/**
 * Rolling mean with pandas 1.5 semantics (`roll_mean`): a running Kahan sum that adds
 * each sample once and removes it once as the window slides over every position, with
 * separate compensation terms for adding and removing. The result is the sum over the
 * count, except that a window whose samples are all equal returns that value exactly,
 * and a window of only non-negative (only negative) samples never returns a negative
 * (positive) mean. Any NaN in the window gives NaN (min_periods = window).
 *
 * The running sum is why the result depends slightly on the samples before the window
 * (rounding carried along); reproducing the same operations in the same order is what
 * makes the result equal pandas' bit for bit.
 */
import { type WindowGrid, lastEnd } from "./grid";

/** Writes the mean of every window of `grid` over `x` (inf already NaN) to `out[offset + k]`. */
export function rollingMean(x: Float64Array, grid: WindowGrid, out: Float64Array, offset: number): void {
  const { window: w, stride, count } = grid;
  if (count === 0) return;
  const last = lastEnd(grid);
  let nobs = 0;
  let sum = 0;
  let compAdd = 0;
  let compRemove = 0;
  let negatives = 0;
  let same = 0;
  let prev = x[0];
  let k = 0;
  let nextEnd = w - 1;
  for (let i = 0; i <= last; i++) {
    if (i >= w) {
      const v = x[i - w];
      if (v === v) {
        nobs--;
        const y = -v - compRemove;
        const t = sum + y;
        compRemove = t - sum - y;
        sum = t;
        if (v < 0 || (v === 0 && 1 / v < 0)) negatives--;
      }
    }
    const v = x[i];
    if (v === v) {
      nobs++;
      const y = v - compAdd;
      const t = sum + y;
      compAdd = t - sum - y;
      sum = t;
      if (v < 0 || (v === 0 && 1 / v < 0)) negatives++;
      if (v === prev) same++;
      else same = 1;
      prev = v;
    }
    if (i === nextEnd) {
      let result = NaN;
      if (nobs >= w && nobs > 0) {
        result = sum / nobs;
        if (same >= nobs) result = prev;
        else if (negatives === 0 && result < 0) result = 0;
        else if (negatives === nobs && result > 0) result = 0;
      }
      out[offset + k++] = result;
      nextEnd += stride;
    }
  }
}
