/** Small classification problems for the model tests, all seeded. */
import { Rng } from "../../lib/models/random";

export interface Problem {
  X: { nRows: number; columns: Float64Array[] };
  y: Int32Array;
}

/** Uniform noise columns, with the label a function of the row's values. */
export function problem(nRows: number, nFeatures: number, seed: number, label: (row: Float64Array) => number): Problem {
  const rng = new Rng(seed);
  const columns = Array.from({ length: nFeatures }, () => new Float64Array(nRows));
  const y = new Int32Array(nRows);
  const row = new Float64Array(nFeatures);
  for (let r = 0; r < nRows; r++) {
    for (let f = 0; f < nFeatures; f++) row[f] = columns[f][r] = rng.nextDouble();
    y[r] = label(row);
  }
  return { X: { nRows, columns }, y };
}

/** Class 1 when feature 0 is above 0.5; the other features are noise. */
export const separable = (n: number, seed: number, nFeatures = 4): Problem => problem(n, nFeatures, seed, (x) => (x[0] > 0.5 ? 1 : 0));

/** XOR of features 0 and 1 at 0.5: no single split helps, two levels separate it. */
export const xor = (n: number, seed: number, nFeatures = 4): Problem => problem(n, nFeatures, seed, (x) => ((x[0] > 0.5) !== (x[1] > 0.5) ? 1 : 0));

/** Three classes from feature `planted` alone (thirds of its range), with label noise. */
export function planted(n: number, seed: number, nFeatures: number, plantedFeature: number): Problem {
  const rng = new Rng(seed, 99);
  return problem(n, nFeatures, seed, (x) => (rng.nextDouble() < 0.1 ? rng.nextInt(3) : Math.min(2, Math.floor(x[plantedFeature] * 3))));
}

export function accuracy(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === p[i]) right++;
  return right / y.length;
}

/** Largest |row sum - 1| of a probability matrix. */
export function worstRowSumError(p: { nRows: number; nClasses: number; values: Float64Array }): number {
  let worst = 0;
  for (let r = 0; r < p.nRows; r++) {
    let s = 0;
    for (let k = 0; k < p.nClasses; k++) s += p.values[r * p.nClasses + k];
    worst = Math.max(worst, Math.abs(s - 1));
  }
  return worst;
}

/** Index of the largest value. */
export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
