/**
 * Bootstrap confidence interval for macro-F1 that resamples node-runs, not windows.
 *
 * Windows of one node-run are strongly correlated (they overlap and share the node's
 * load), so resampling windows would give far too narrow an interval. Method
 * (percentile bootstrap): let R be the distinct node-runs among the scored windows; each
 * of `resamples` replicates draws |R| node-runs uniformly with replacement, takes all
 * windows of every drawn node-run (a node-run drawn twice counts twice) and computes
 * macro-F1 over all labels with the same semantics as the point estimate
 * (`classificationReport`: every label counts, absent ones with F1 = 0). The interval is
 * the (1-level)/2 and (1+level)/2 quantiles of the replicates, linearly interpolated
 * (numpy's default quantile). Defaults: 1000 resamples, level 0.95, seed 0.
 */
import { Random } from "../util/random";
import { InputError } from "../util/errors";
import { confusionCounts, macroF1FromCounts } from "./metrics";

export interface BootstrapOptions {
  /** Number of replicates; default 1000. */
  resamples?: number;
  /** Seed of the generator drawing node-runs; default 0. */
  seed?: number;
  /** Coverage of the interval; default 0.95. */
  level?: number;
}

export interface MacroF1Interval {
  low: number;
  high: number;
  level: number;
  resamples: number;
  seed: number;
  /** What was resampled; always node-runs. */
  unit: "node-run";
}

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;

/** Sparse confusion cells of each node-run: `cells[start[u] .. start[u+1])`. */
interface RunCells {
  start: Int32Array;
  cell: Int32Array;
  count: Float64Array;
}

function cellsPerRun(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, runIndex: ArrayLike<number>, nLabels: number): RunCells {
  // Node-runs in ascending runIndex order, so the draws do not depend on row order.
  const runs = [...new Set(Array.from(runIndex))].sort((a, b) => a - b);
  const unitOf = new Map<number, number>(runs.map((r, u) => [r, u]));
  const perUnit: Map<number, number>[] = runs.map(() => new Map());
  for (let i = 0; i < runIndex.length; i++) {
    const cells = perUnit[unitOf.get(runIndex[i])!];
    const cell = yTrue[i] * nLabels + yPred[i];
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
  }
  const total = perUnit.reduce((s, m) => s + m.size, 0);
  const start = new Int32Array(runs.length + 1);
  const cell = new Int32Array(total);
  const count = new Float64Array(total);
  let k = 0;
  perUnit.forEach((cells, u) => {
    start[u] = k;
    for (const [c, n] of [...cells].sort((a, b) => a[0] - b[0])) {
      cell[k] = c;
      count[k++] = n;
    }
  });
  start[runs.length] = k;
  return { start, cell, count };
}

/** Quantile `q` of ascending `sorted` with linear interpolation (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Percentile-bootstrap interval of macro-F1 over node-runs.
 *
 * @param yTrue true class codes of the scored windows
 * @param yPred predicted codes, same length
 * @param runIndex node-run of each window (any integers; equal = same node-run)
 * @param nLabels number of labels (codes are 0 .. nLabels-1)
 * @throws InputError on mismatched lengths, no windows, bad codes or options.
 */
export function bootstrapMacroF1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, runIndex: ArrayLike<number>, nLabels: number, options: BootstrapOptions = {}): MacroF1Interval {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new InputError(`bootstrap resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new InputError(`bootstrap level must be in (0, 1), got ${level}`);
  if (runIndex.length !== yTrue.length) throw new InputError(`runIndex has ${runIndex.length} windows but y_true has ${yTrue.length}`);
  if (yTrue.length === 0) throw new InputError("no windows to bootstrap");
  confusionCounts(yTrue, yPred, nLabels); // validates lengths and codes

  const { start, cell, count } = cellsPerRun(yTrue, yPred, runIndex, nLabels);
  const nRuns = start.length - 1;
  const rng = new Random(seed);
  const counts = new Float64Array(nLabels * nLabels);
  const replicates = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    counts.fill(0);
    for (let draw = 0; draw < nRuns; draw++) {
      const u = rng.nextInt(nRuns);
      for (let k = start[u]; k < start[u + 1]; k++) counts[cell[k]] += count[k];
    }
    replicates[b] = macroF1FromCounts(counts, nLabels);
  }
  replicates.sort();
  const tail = (1 - level) / 2;
  return { low: quantileSorted(replicates, tail), high: quantileSorted(replicates, 1 - tail), level, resamples, seed, unit: "node-run" };
}
