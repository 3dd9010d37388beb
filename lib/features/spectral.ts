/**
 * Optional spectral features of a window (off by default; `spectral: true` in the
 * feature config). Per window and metric: subtract the window's mean, zero-pad to the
 * next power of two (fft.js needs one; 60 samples become 64), take the power spectrum
 * |X_k|² of bins k = 1 .. N/2 (frequency k/N cycles per sample, i.e. Hz at 1 Hz), and
 * summarise it:
 *
 *   specdom    frequency of the strongest bin (the lowest one on ties)
 *   speccent   power-weighted mean frequency
 *   specent    spectral entropy of the normalised power, divided by log(N/2) (0..1)
 *   specband1..4  share of the power in four equal frequency bands up to 0.5 Hz
 *
 * A window without power (constant) gives 0 for all of them; a window holding NaN
 * gives NaN, like the other statistics. Names follow `<stat>_<metric>`.
 */
import FFT = require("fft.js");
import type { WindowGrid } from "./rolling/grid";

export const SPECTRAL_STATISTICS = ["specdom", "speccent", "specent", "specband1", "specband2", "specband3", "specband4"] as const;
const BANDS = 4;

function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

/** FFT tables and buffers for one window length, built once and reused. */
export class SpectralScratch {
  readonly window: number;
  readonly size: number;
  private readonly fft: FFT;
  private readonly input: Float64Array;
  private readonly output: number[];
  private readonly power: Float64Array;
  private readonly bands = new Float64Array(BANDS);

  constructor(window: number) {
    this.window = window;
    this.size = nextPowerOfTwo(window);
    this.fft = new FFT(this.size);
    this.input = new Float64Array(this.size);
    this.output = this.fft.createComplexArray();
    this.power = new Float64Array(this.size / 2 + 1);
  }

  /**
   * Writes the spectral statistics of every window of `grid` over `x` to
   * `out[offsets[j] + k]`, j in SPECTRAL_STATISTICS order.
   */
  windows(x: Float64Array, grid: WindowGrid, nanBefore: Int32Array | null, out: Float64Array, offsets: ArrayLike<number>): void {
    const w = grid.window;
    const half = this.size / 2;
    const { input, output, power, bands } = this;
    for (let k = 0; k < grid.count; k++) {
      const end = w - 1 + k * grid.stride;
      const start = end - w + 1;
      if (nanBefore !== null && nanBefore[end + 1] - nanBefore[start] > 0) {
        for (let j = 0; j < SPECTRAL_STATISTICS.length; j++) out[offsets[j] + k] = NaN;
        continue;
      }
      let mean = 0;
      for (let i = 0; i < w; i++) mean += x[start + i];
      mean /= w;
      for (let i = 0; i < w; i++) input[i] = x[start + i] - mean;
      input.fill(0, w);
      this.fft.realTransform(output, input);
      let total = 0;
      let strongest = 1;
      for (let b = 1; b <= half; b++) {
        const re = output[2 * b];
        const im = output[2 * b + 1];
        const p = re * re + im * im;
        power[b] = p;
        total += p;
        if (p > power[strongest]) strongest = b;
      }
      // Rounding leaves a whisper of power in a constant window: treat power below
      // 1e-24 of the squared magnitude as none.
      if (!(total > 1e-24 * (mean * mean * w + 1e-300))) {
        for (let j = 0; j < SPECTRAL_STATISTICS.length; j++) out[offsets[j] + k] = 0;
        continue;
      }
      let centroid = 0;
      let entropy = 0;
      bands.fill(0);
      for (let b = 1; b <= half; b++) {
        const share = power[b] / total;
        centroid += share * (b / this.size);
        if (share > 0) entropy -= share * Math.log(share);
        bands[Math.min(BANDS - 1, Math.floor(((b - 1) * BANDS) / half))] += share;
      }
      out[offsets[0] + k] = strongest / this.size;
      out[offsets[1] + k] = centroid;
      out[offsets[2] + k] = half > 1 ? entropy / Math.log(half) : 0;
      for (let j = 0; j < BANDS; j++) out[offsets[3 + j] + k] = bands[j];
    }
  }
}
