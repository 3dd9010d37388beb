/**
 * Mean, standard deviation, skewness and excess kurtosis of each kept window computed
 * from the window alone, accurately: the `numerics: "exact"` alternative to pandas'
 * running sums (see README.md for where pandas' values drift).
 *
 * Two passes per window: a compensated (Neumaier) sum gives the mean, a second
 * compensated sum of the deviations corrects it to well below one unit in the last
 * place, and the central moments are summed from deviations taken against that
 * two-part mean. The estimators are pandas' (ddof 1, bias-corrected skew and excess
 * kurtosis); a window of identical samples gives std 0, skew 0 and kurt -3, and so do
 * windows too short for skew (< 3) or kurt (< 4). There is no absolute variance floor:
 * a window varying by 1e-9 has a skewness like any other. NaN in the window: mean and
 * std NaN, skew 0, kurt -3, as in the pandas mode.
 */
import { type WindowGrid } from "./grid";

/**
 * Writes mean, std, skew and kurt of every window of `grid` over `x` to
 * `out[offsets[j] + k]`, j = 0..3 in that order.
 */
export function exactWindowMoments(x: Float64Array, grid: WindowGrid, nanBefore: Int32Array | null, out: Float64Array, offsets: ArrayLike<number>): void {
  const { window: n, stride, count } = grid;
  const [meanAt, stdAt, skewAt, kurtAt] = [offsets[0], offsets[1], offsets[2], offsets[3]];
  for (let k = 0; k < count; k++) {
    const start = k * stride;
    const end = start + n;
    if (nanBefore !== null && nanBefore[end] - nanBefore[start] > 0) {
      out[meanAt + k] = NaN;
      out[stdAt + k] = NaN;
      out[skewAt + k] = 0;
      out[kurtAt + k] = -3;
      continue;
    }
    const first = x[start];
    let same = true;
    let s = 0;
    let c = 0;
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (v !== first) same = false;
      const t = s + v;
      c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
      s = t;
    }
    if (same) {
      out[meanAt + k] = first;
      out[stdAt + k] = n > 1 ? 0 : NaN;
      out[skewAt + k] = 0;
      out[kurtAt + k] = -3;
      continue;
    }
    const meanHi = (s + c) / n;
    let e = 0;
    let ce = 0;
    for (let i = start; i < end; i++) {
      const v = x[i] - meanHi;
      const t = e + v;
      ce += Math.abs(e) >= Math.abs(v) ? e - t + v : v - t + e;
      e = t;
    }
    const meanLo = (e + ce) / n;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (let i = start; i < end; i++) {
      const d = x[i] - meanHi - meanLo;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
      m4 += d2 * d2;
    }
    out[meanAt + k] = meanHi + meanLo;
    out[stdAt + k] = n > 1 ? Math.sqrt(m2 / (n - 1)) : NaN;
    const b = m2 / n;
    out[skewAt + k] = n >= 3 && b > 0 ? ((Math.sqrt(n * (n - 1)) / (n - 2)) * (m3 / n)) / (b * Math.sqrt(b)) : 0;
    out[kurtAt + k] = n >= 4 && b > 0 ? ((n * n - 1) * (m4 / n / (b * b)) - 3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3)) : -3;
  }
}
