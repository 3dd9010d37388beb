/**
 * Rolling sample standard deviation with pandas 1.5 semantics (`roll_var`, ddof 1,
 * then `zsqrt`): Welford's online update with a Kahan-compensated mean, adding and
 * removing one sample per position, separate compensation for adds and removes. A
 * window whose samples are all equal gives exactly 0; a slightly negative variance
 * left by rounding gives 0; any NaN in the window gives NaN.
 *
 * This is the true standard deviation (E2EWatch's `std` column held the variance; see
 * DESIGN.md).
 */
import { type WindowGrid, lastEnd } from "./grid";

/** Writes the standard deviation of every window of `grid` over `x` to `out[offset + k]`. */
export function rollingStd(x: Float64Array, grid: WindowGrid, out: Float64Array, offset: number): void {
  const { window: w, stride, count } = grid;
  if (count === 0) return;
  const last = lastEnd(grid);
  let nobs = 0;
  let mean = 0;
  let ssqdm = 0;
  let compAdd = 0;
  let compRemove = 0;
  let same = 0;
  let prev = x[0];
  let k = 0;
  let nextEnd = w - 1;
  for (let i = 0; i <= last; i++) {
    if (i >= w) {
      const v = x[i - w];
      if (v === v) {
        nobs--;
        if (nobs !== 0) {
          const prevMean = mean - compRemove;
          const y = v - compRemove;
          const t = y - mean;
          compRemove = t + mean - y;
          mean = mean - t / nobs;
          ssqdm = ssqdm - (v - prevMean) * (v - mean);
        } else {
          mean = 0;
          ssqdm = 0;
        }
      }
    }
    const v = x[i];
    if (v === v) {
      nobs++;
      if (v === prev) same++;
      else same = 1;
      prev = v;
      const prevMean = mean - compAdd;
      const y = v - compAdd;
      const t = y - mean;
      compAdd = t + mean - y;
      mean = mean + t / nobs;
      ssqdm = ssqdm + (v - prevMean) * (v - mean);
    }
    if (i === nextEnd) {
      // ddof 1: one sample has no variance (NaN), as in pandas.
      let result = NaN;
      if (nobs >= w && nobs > 1) {
        const variance = same >= nobs ? 0 : ssqdm / (nobs - 1);
        result = variance < 0 ? 0 : Math.sqrt(variance);
      }
      out[offset + k++] = result;
      nextEnd += stride;
    }
  }
}
